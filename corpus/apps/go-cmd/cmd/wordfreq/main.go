// wordfreq prints the most frequent words of its standard input.
// SELFTEST=1 runs it on a built-in sentence instead.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"example.com/wordfreq/internal/freq"
)

const sample = "It was the best of times, it was the worst of times"

func main() {
	n := flag.Int("n", 3, "how many words")
	flag.Parse()
	var text string
	if os.Getenv("SELFTEST") == "1" {
		text = sample
	} else {
		b, err := io.ReadAll(os.Stdin)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		text = string(b)
	}
	parts := []string{}
	for _, p := range freq.Top(text, *n) {
		parts = append(parts, fmt.Sprintf("%s=%d", p.Word, p.Count))
	}
	fmt.Println("wordfreq selftest:", strings.Join(parts, " "))
}
