// Package freq counts words.
package freq

import (
	"sort"
	"strings"
	"unicode"
)

// Pair is a word and how often it occurs.
type Pair struct {
	Word  string
	Count int
}

// Top returns the n most frequent words of text, most frequent first, ties
// broken alphabetically. Words are lower-cased runs of letters.
func Top(text string, n int) []Pair {
	counts := map[string]int{}
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) }) {
		counts[w]++
	}
	pairs := make([]Pair, 0, len(counts))
	for w, c := range counts {
		pairs = append(pairs, Pair{w, c})
	}
	sort.Slice(pairs, func(i, j int) bool {
		if pairs[i].Count != pairs[j].Count {
			return pairs[i].Count > pairs[j].Count
		}
		return pairs[i].Word < pairs[j].Word
	})
	if len(pairs) > n {
		pairs = pairs[:n]
	}
	return pairs
}
