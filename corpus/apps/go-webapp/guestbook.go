package main

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"sync"
)

type entry struct {
	Name    string
	Message string
}

// guestbook stores entries one per line (name TAB message) in a file.
type guestbook struct {
	mu   sync.Mutex
	path string
}

func (g *guestbook) add(e entry) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	f, err := os.OpenFile(g.path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	clean := func(s string) string { return strings.NewReplacer("\t", " ", "\n", " ").Replace(s) }
	if _, err := fmt.Fprintf(f, "%s\t%s\n", clean(e.Name), clean(e.Message)); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func (g *guestbook) entries() ([]entry, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	f, err := os.Open(g.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []entry
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if name, msg, ok := strings.Cut(sc.Text(), "\t"); ok {
			out = append(out, entry{Name: name, Message: msg})
		}
	}
	return out, sc.Err()
}
