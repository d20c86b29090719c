package main

// #cgo LDFLAGS: -lsqlite3
// #include <sqlite3.h>
import "C"

func main() {}
