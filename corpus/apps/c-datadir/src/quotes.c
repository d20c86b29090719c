#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include "quotes.h"

char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096, n = 0, r;
    char *buf = malloc(cap + 1);
    while (buf && (r = fread(buf + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap) buf = realloc(buf, (cap *= 2) + 1);
    }
    fclose(f);
    if (!buf) return NULL;
    buf[n] = '\0';
    if (len) *len = n;
    return buf;
}

static void trim_end(char *s) {
    size_t n = strlen(s);
    while (n && (s[n - 1] == '\n' || s[n - 1] == ' ')) s[--n] = '\0';
}

int quotes_load(sqlite3 *db, const char *path, unsigned long *crc) {
    size_t len;
    char *text = read_file(path, &len);
    if (!text) {
        perror(path);
        return -1;
    }
    *crc = crc32(crc32(0L, Z_NULL, 0), (const Bytef *)text, (uInt)len);

    sqlite3_stmt *ins;
    if (sqlite3_exec(db, "CREATE TABLE quotes(id INTEGER PRIMARY KEY, body TEXT NOT NULL, author TEXT NOT NULL)",
                     NULL, NULL, NULL) != SQLITE_OK
        || sqlite3_prepare_v2(db, "INSERT INTO quotes(body, author) VALUES (?, ?)", -1, &ins, NULL) != SQLITE_OK) {
        fprintf(stderr, "sqlite: %s\n", sqlite3_errmsg(db));
        free(text);
        return -1;
    }
    int count = 0;
    /* quotes are separated by lines holding only "%" */
    for (char *q = text, *next; q && *q; q = next) {
        next = strstr(q, "\n%\n");
        if (next) {
            next[1] = '\0';
            next += 3;
        }
        while (*q == '\n') q++;
        if (!*q) continue;
        char *author = strstr(q, "\n-- ");
        if (author) {
            *author = '\0';
            author += 4;
            trim_end(author);
        }
        trim_end(q);
        sqlite3_bind_text(ins, 1, q, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(ins, 2, author ? author : "Anonymous", -1, SQLITE_TRANSIENT);
        if (sqlite3_step(ins) != SQLITE_DONE) {
            fprintf(stderr, "sqlite: %s\n", sqlite3_errmsg(db));
            count = -1;
            break;
        }
        sqlite3_reset(ins);
        count++;
    }
    sqlite3_finalize(ins);
    free(text);
    return count;
}
