// guestbook: a small web app with the standard library only. It renders
// templates/*.html and serves static/ from paths relative to its working
// directory, stamps its version at build time (-ldflags "-X main.version=..."),
// reads its settings from the environment and appends signed entries to a
// file in its data directory.
//
// SELFTEST=1 signs the book once, renders the page and fetches an asset
// in-process (no network), checks that the entry was written to and read
// back from the data directory, prints one line and exits.
package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
)

// version is set at build time: go build -ldflags "-X main.version=1.4.2"
var version = "dev"

type config struct {
	Greeting string // APP_GREETING
	DataDir  string // DATA_DIR: where entries are stored (written at run time)
	Port     string // PORT
}

func configFromEnv() config {
	return config{
		Greeting: envOr("APP_GREETING", "Hello"),
		DataDir:  envOr("DATA_DIR", "data"),
		Port:     envOr("PORT", "8080"),
	}
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

func main() {
	cfg := configFromEnv()
	app, err := newApp(cfg, "templates", "static")
	if err != nil {
		log.Fatalf("guestbook: %v", err)
	}
	if os.Getenv("SELFTEST") == "1" {
		line, err := selftest(app)
		if err != nil {
			fmt.Fprintln(os.Stderr, "guestbook selftest failed:", err)
			os.Exit(1)
		}
		fmt.Println(line)
		return
	}
	log.Printf("guestbook %s listening on :%s (data in %s)", version, cfg.Port, cfg.DataDir)
	log.Fatal(http.ListenAndServe(":"+cfg.Port, app.routes()))
}

func selftest(app *app) (string, error) {
	form := url.Values{"name": {"Ada"}, "message": {"Lovely service, will visit again."}}
	req := httptest.NewRequest("POST", "/sign", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	app.routes().ServeHTTP(rec, req)
	if rec.Code != http.StatusSeeOther {
		return "", fmt.Errorf("POST /sign: %d %s", rec.Code, strings.TrimSpace(rec.Body.String()))
	}

	entries, err := app.book.entries()
	if err != nil {
		return "", fmt.Errorf("reading back %s: %w", app.book.path, err)
	}
	if len(entries) != 1 || entries[0].Name != "Ada" {
		return "", fmt.Errorf("read back %d entries from %s: %+v", len(entries), app.book.path, entries)
	}

	rec = httptest.NewRecorder()
	app.routes().ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if rec.Code != http.StatusOK {
		return "", fmt.Errorf("GET /: %d %s", rec.Code, strings.TrimSpace(rec.Body.String()))
	}
	page := sha256.Sum256(rec.Body.Bytes())

	rec = httptest.NewRecorder()
	app.routes().ServeHTTP(rec, httptest.NewRequest("GET", "/static/"+app.assets["style.css"], nil))
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "text/css; charset=utf-8" {
		return "", fmt.Errorf("GET static style.css: %d %q", rec.Code, rec.Header().Get("Content-Type"))
	}

	return fmt.Sprintf("guestbook selftest: version=%s greeting=%q assets=%s,%s page=%s entries=%d",
		version, app.cfg.Greeting, app.assets["style.css"], app.assets["app.js"],
		hex.EncodeToString(page[:6]), len(entries)), nil
}
