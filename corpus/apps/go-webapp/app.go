package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html/template"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
)

type app struct {
	cfg    config
	tmpl   *template.Template
	static string
	// assets maps a static file to its fingerprinted name (style.css ->
	// style.3f2a1b9c.css), so pages can be cached forever
	assets map[string]string
	book   *guestbook
}

type page struct {
	Greeting string
	Version  string
	Assets   map[string]string
	Entries  []entry
}

func newApp(cfg config, templates, static string) (*app, error) {
	tmpl, err := template.ParseGlob(filepath.Join(templates, "*.html"))
	if err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	assets := map[string]string{}
	for _, name := range []string{"style.css", "app.js"} {
		data, err := os.ReadFile(filepath.Join(static, name))
		if err != nil {
			return nil, fmt.Errorf("static: %w", err)
		}
		sum := sha256.Sum256(data)
		ext := path.Ext(name)
		assets[name] = strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:4]) + ext
	}
	if err := os.MkdirAll(cfg.DataDir, 0o755); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	return &app{cfg: cfg, tmpl: tmpl, static: static, assets: assets,
		book: &guestbook{path: filepath.Join(cfg.DataDir, "entries.tsv")}}, nil
}

func (a *app) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/", a.index)
	mux.HandleFunc("/sign", a.sign)
	mux.HandleFunc("/static/", a.asset)
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "ok") })
	return mux
}

func (a *app) index(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/" {
		http.NotFound(w, r)
		return
	}
	entries, err := a.book.entries()
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	p := page{Greeting: a.cfg.Greeting, Version: version, Assets: a.assets, Entries: entries}
	if err := a.tmpl.ExecuteTemplate(w, "index.html", p); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}

func (a *app) sign(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	name, msg := strings.TrimSpace(r.FormValue("name")), strings.TrimSpace(r.FormValue("message"))
	if name == "" || msg == "" {
		http.Error(w, "name and message are required", http.StatusBadRequest)
		return
	}
	if err := a.book.add(entry{Name: name, Message: msg}); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// asset serves static/NAME under its fingerprinted name only
func (a *app) asset(w http.ResponseWriter, r *http.Request) {
	want := strings.TrimPrefix(r.URL.Path, "/static/")
	for name, fp := range a.assets {
		if fp == want {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
			http.ServeFile(w, r, filepath.Join(a.static, name))
			return
		}
	}
	http.NotFound(w, r)
}
