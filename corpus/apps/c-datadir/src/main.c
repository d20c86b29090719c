/* fortune-ish: the quote of the day from the collection in DATADIR (compiled
 * in: see the Makefile), indexed in an in-memory SQLite database.
 *
 *   fortune-ish              today's quote
 *   fortune-ish -j           the same as JSON, for bots and web pages
 *   fortune-ish -a AUTHOR    the quotes of one author
 *   fortune-ish -d YYYY-MM-DD  the quote of another day
 *
 * SELFTEST=1 prints one line of JSON: the data directory, the number of
 * quotes and authors, the CRC-32 of the collection, and the quote of a fixed
 * day. Libraries: SQLite (the index), zlib (CRC-32), Jansson (JSON). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>
#include <sqlite3.h>
#include <jansson.h>
#include "quotes.h"

#ifndef DATADIR
#error "DATADIR must be defined (make DATADIR=...)"
#endif

static int scalar(sqlite3 *db, const char *sql) {
    sqlite3_stmt *st;
    int v = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* the quote of a day: CRC-32 of "YYYY-MM-DD" picks one */
static int quote_of_day(sqlite3 *db, const char *day, int count, char *body, size_t bodylen,
                        char *author, size_t authorlen) {
    unsigned long h = crc32(crc32(0L, Z_NULL, 0), (const Bytef *)day, (uInt)strlen(day));
    sqlite3_stmt *st;
    int id = -1;
    if (sqlite3_prepare_v2(db, "SELECT id, body, author FROM quotes ORDER BY id LIMIT 1 OFFSET ?", -1, &st, NULL)
        != SQLITE_OK)
        return -1;
    sqlite3_bind_int(st, 1, (int)(h % (unsigned long)count));
    if (sqlite3_step(st) == SQLITE_ROW) {
        id = sqlite3_column_int(st, 0);
        snprintf(body, bodylen, "%s", (const char *)sqlite3_column_text(st, 1));
        snprintf(author, authorlen, "%s", (const char *)sqlite3_column_text(st, 2));
    }
    sqlite3_finalize(st);
    return id;
}

int main(int argc, char **argv) {
    const char *st = getenv("SELFTEST");
    int selftest = st && strcmp(st, "1") == 0;
    int json = 0;
    const char *author_filter = NULL;
    char day[16];
    time_t now = time(NULL);
    strftime(day, sizeof day, "%Y-%m-%d", localtime(&now));
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-j")) json = 1;
        else if (!strcmp(argv[i], "-a") && i + 1 < argc) author_filter = argv[++i];
        else if (!strcmp(argv[i], "-d") && i + 1 < argc) snprintf(day, sizeof day, "%s", argv[++i]);
        else {
            fprintf(stderr, "usage: fortune-ish [-j] [-a AUTHOR] [-d YYYY-MM-DD]\n");
            return 2;
        }
    }
    if (selftest) snprintf(day, sizeof day, "2026-01-01");

    sqlite3 *db;
    if (sqlite3_open(":memory:", &db) != SQLITE_OK) {
        fprintf(stderr, "sqlite: cannot open an in-memory database\n");
        return 1;
    }
    unsigned long crc;
    int count = quotes_load(db, DATADIR "/quotes", &crc);
    size_t bannerlen;
    char *banner = read_file(DATADIR "/banner.txt", &bannerlen);
    if (count <= 0 || !banner) {
        if (!banner) perror(DATADIR "/banner.txt");
        fprintf(stderr, "fortune-ish: no quotes in %s\n", DATADIR);
        return 1;
    }
    while (bannerlen && banner[bannerlen - 1] == '\n') banner[--bannerlen] = '\0';

    char body[2048], author[256];
    int rc = 0;
    if (selftest || json) {
        int id = quote_of_day(db, day, count, body, sizeof body, author, sizeof author);
        json_t *out = json_pack("{s:s, s:i, s:s, s:s}", "day", day, "id", id, "author", author, "quote", body);
        if (selftest) {
            char crchex[9];
            snprintf(crchex, sizeof crchex, "%08lx", crc);
            json_object_set_new(out, "datadir", json_string(DATADIR));
            json_object_set_new(out, "banner", json_string(banner));
            json_object_set_new(out, "quotes", json_integer(count));
            json_object_set_new(out, "authors", json_integer(scalar(db, "SELECT COUNT(DISTINCT author) FROM quotes")));
            json_object_set_new(out, "crc32", json_string(crchex));
        }
        char *text = json_dumps(out, JSON_COMPACT | JSON_SORT_KEYS);
        printf("%s%s\n", selftest ? "fortune-ish selftest: " : "", text);
        free(text);
        json_decref(out);
    } else if (author_filter) {
        sqlite3_stmt *q;
        sqlite3_prepare_v2(db, "SELECT body FROM quotes WHERE author LIKE ? ORDER BY id", -1, &q, NULL);
        sqlite3_bind_text(q, 1, author_filter, -1, SQLITE_STATIC);
        int n = 0;
        while (sqlite3_step(q) == SQLITE_ROW) printf("%s%s\n", n++ ? "%\n" : "", sqlite3_column_text(q, 0));
        sqlite3_finalize(q);
        if (!n) {
            fprintf(stderr, "fortune-ish: no quotes by %s\n", author_filter);
            rc = 1;
        }
    } else {
        quote_of_day(db, day, count, body, sizeof body, author, sizeof author);
        printf("%s, %s\n\n%s\n    -- %s\n", banner, day, body, author);
    }
    free(banner);
    sqlite3_close(db);
    return rc;
}
