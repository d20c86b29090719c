// hello: a tiny HTTP service using only Go's standard library.
//
// SELFTEST=1 serves one request to its own handler in-process and prints the
// response, then exits: behaviour can be compared without networking.
package main

import (
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
)

type status struct {
	Service string `json:"service"`
	Status  string `json:"status"`
	Words   int    `json:"words"`
}

func handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		words := len(strings.Fields(r.URL.Query().Get("text")))
		_ = json.NewEncoder(w).Encode(status{Service: "go-stdlib", Status: "ok", Words: words})
	})
	return mux
}

func main() {
	if os.Getenv("SELFTEST") == "1" {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", "/healthz?text=three+little+words", nil)
		handler().ServeHTTP(rec, req)
		fmt.Printf("go-stdlib selftest: %d %s", rec.Code, rec.Body.String())
		if rec.Code != http.StatusOK {
			os.Exit(1)
		}
		return
	}
	addr := ":" + envOr("PORT", "8080")
	log.Printf("listening on %s", addr)
	log.Fatal(http.ListenAndServe(addr, handler()))
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}
