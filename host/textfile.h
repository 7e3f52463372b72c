/*
 * textfile.h: reading the text files a user gives (scenarios, catalogues)
 * safely, and checking their text before a parser sees it.
 *
 * One reader for every input text file, so that each is refused the same way
 * when it is not something to read: a directory, a FIFO, a device such as
 * /dev/zero, a socket, or a file larger than the caller's limit. The file is
 * examined with stat() before it is opened and opened with O_NONBLOCK, then
 * examined again with fstat(), so a FIFO never blocks the program and a file
 * swapped between the two looks is still refused; at most limit + 1 bytes are
 * ever read, so a file that grows while it is read cannot exhaust memory.
 *
 * odt_text_check then refuses text that is not UTF-8 or holds a NUL byte,
 * naming the line and column of the first bad byte: parsers stop silently at
 * such bytes or report them without a place (libfyaml drops a comment's
 * invalid byte and everything after it).
 */
#ifndef ODT_TEXTFILE_H
#define ODT_TEXTFILE_H

#include <stddef.h>
#include <stdint.h>

#include "orbit/odt_defs.h"

/* Largest scenario file read: 256 MiB (a scenario is a few kB; the embedded default is 4 kB). */
#define ODT_SCENARIO_MAX_BYTES ((uint64_t)256 << 20)
/* Largest catalogue file read: 4 GiB (the whole public catalogue as OMM/XML is about 50 MB). */
#define ODT_CATALOG_MAX_BYTES ((uint64_t)4 << 30)

/*
 * odt_textfile_read: the whole content of the regular file path.
 *
 *   what       what the file is, for messages ("scenario file", "catalogue file")
 *   max_bytes  refuse a file larger than this many bytes
 *   text, len  on success a heap buffer (free() it) of len bytes plus a NUL
 *   why        on failure the reason, without the path (the caller prefixes it):
 *              "cannot open scenario file: No such file or directory",
 *              "cannot read scenario file: it is a directory",
 *              "cannot read scenario file: it is a FIFO (named pipe), not a regular file",
 *              "the scenario file is 300.0 MiB, larger than the limit of 256 MiB"
 *
 * Returns ODT_OK, ODT_ERR_IO (cannot open or read, not a regular file, too
 * large) or ODT_ERR_NOMEM.
 */
enum odt_status odt_textfile_read(const char *path, const char *what, uint64_t max_bytes, char **text, size_t *len,
                                  char *why, size_t whylen);

/*
 * odt_text_check: check that text[0..len) is UTF-8 (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF) without a NUL byte.
 *
 * Returns 0 when it is; otherwise the 1-based line of the first bad byte (LF,
 * CR LF and a lone CR end a line), with *column its 1-based column in
 * characters and why "invalid UTF-8 byte 0xE9 (column 17)" or "NUL byte
 * (column 3)". A UTF-8 byte order mark at the start is valid text.
 */
int odt_text_check(const char *text, size_t len, int *column, char *why, size_t whylen);

/*
 * odt_text_one_line: make a message one line in place: line breaks, tabs and
 * other control characters become blanks (a message may quote a value or a
 * path that holds them).
 */
void odt_text_one_line(char *msg);

#endif /* ODT_TEXTFILE_H */
