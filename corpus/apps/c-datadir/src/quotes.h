#ifndef QUOTES_H
#define QUOTES_H
#include <sqlite3.h>

/* Load a fortune(6)-style file (quotes separated by lines holding "%", the
 * author on a last line starting with "-- ") into the table
 * quotes(id, body, author) of db. Returns the number of quotes, -1 on error
 * (with a message on stderr). *crc gets the CRC-32 of the file's bytes. */
int quotes_load(sqlite3 *db, const char *path, unsigned long *crc);

/* Read a whole file; NULL on error. The caller frees it. */
char *read_file(const char *path, size_t *len);

#endif
