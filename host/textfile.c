/* textfile.c: bounded reading of regular files and UTF-8 checks of their text (see textfile.h). */
#define _POSIX_C_SOURCE 200809L

#include "host/textfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* What a file that is not a regular file is, for messages. */
static const char *file_kind(mode_t mode)
{
    if (S_ISDIR(mode))
        return "it is a directory";
    if (S_ISFIFO(mode))
        return "it is a FIFO (named pipe), not a regular file";
    if (S_ISCHR(mode))
        return "it is a character device, not a regular file";
    if (S_ISBLK(mode))
        return "it is a block device, not a regular file";
    if (S_ISSOCK(mode))
        return "it is a socket, not a regular file";
    return "it is not a regular file";
}

static void size_text(uint64_t bytes, char *buf, size_t n)
{
    if (bytes >= ((uint64_t)1 << 30))
        snprintf(buf, n, "%.1f GiB", (double)bytes / (double)((uint64_t)1 << 30));
    else
        snprintf(buf, n, "%.1f MiB", (double)bytes / (double)((uint64_t)1 << 20));
}

static enum odt_status too_large(const char *what, uint64_t bytes, int at_least, uint64_t max_bytes, char *why,
                                 size_t whylen)
{
    char have[32], lim[32];
    size_text(bytes, have, sizeof have);
    size_text(max_bytes, lim, sizeof lim);
    snprintf(why, whylen, "the %s is %s%s, larger than the limit of %s", what, at_least ? "more than " : "", have,
             lim);
    return ODT_ERR_IO;
}

enum odt_status odt_textfile_read(const char *path, const char *what, uint64_t max_bytes, char **text, size_t *len,
                                  char *why, size_t whylen)
{
    struct stat sb;
    *text = NULL;
    *len = 0;
    /* look before opening: opening a FIFO for reading would wait for a writer */
    if (stat(path, &sb) != 0) {
        snprintf(why, whylen, "cannot open %s: %s", what, strerror(errno));
        return ODT_ERR_IO;
    }
    if (!S_ISREG(sb.st_mode)) {
        snprintf(why, whylen, "cannot read %s: %s", what, file_kind(sb.st_mode));
        return ODT_ERR_IO;
    }
    /* O_NONBLOCK: should the path have become a FIFO since, open() still returns at once */
    const int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(why, whylen, "cannot open %s: %s", what, strerror(errno));
        return ODT_ERR_IO;
    }
    if (fstat(fd, &sb) != 0) {
        snprintf(why, whylen, "cannot read %s: %s", what, strerror(errno));
        close(fd);
        return ODT_ERR_IO;
    }
    if (!S_ISREG(sb.st_mode)) {
        snprintf(why, whylen, "cannot read %s: %s", what, file_kind(sb.st_mode));
        close(fd);
        return ODT_ERR_IO;
    }
    if (sb.st_size < 0 || (uint64_t)sb.st_size > max_bytes) {
        close(fd);
        return too_large(what, (uint64_t)sb.st_size, 0, max_bytes, why, whylen);
    }
    /* the size from fstat, and one byte more, so that the first read already meets the end; a file that
       grows while it is read (or reports no size, as in /proc) grows the buffer up to the limit only */
    size_t cap = (size_t)sb.st_size + 2, n = 0;
    if (cap < 4096)
        cap = 4096;
    char *buf = malloc(cap);
    if (!buf) {
        close(fd);
        snprintf(why, whylen, "out of memory reading the %s", what);
        return ODT_ERR_NOMEM;
    }
    for (;;) {
        if (n + 1 >= cap) {
            if ((uint64_t)n > max_bytes) {
                free(buf);
                close(fd);
                return too_large(what, (uint64_t)n, 1, max_bytes, why, whylen);
            }
            const size_t ncap = cap > SIZE_MAX / 2 ? SIZE_MAX : 2 * cap;
            char *nb = realloc(buf, ncap);
            if (!nb) {
                free(buf);
                close(fd);
                snprintf(why, whylen, "out of memory reading the %s", what);
                return ODT_ERR_NOMEM;
            }
            buf = nb;
            cap = ncap;
        }
        size_t want = cap - 1 - n;
        if ((uint64_t)want > max_bytes + 1 - (uint64_t)n) /* never read past limit + 1 bytes */
            want = (size_t)(max_bytes + 1 - (uint64_t)n);
        const ssize_t got = read(fd, buf + n, want);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            snprintf(why, whylen, "cannot read %s: %s", what, strerror(errno));
            free(buf);
            close(fd);
            return ODT_ERR_IO;
        }
        if (got == 0)
            break;
        n += (size_t)got;
        if ((uint64_t)n > max_bytes) {
            free(buf);
            close(fd);
            return too_large(what, (uint64_t)n, 1, max_bytes, why, whylen);
        }
    }
    close(fd);
    buf[n] = '\0';
    *text = buf;
    *len = n;
    return ODT_OK;
}

int odt_text_check(const char *text, size_t len, int *column, char *why, size_t whylen)
{
    const unsigned char *s = (const unsigned char *)text;
    int line = 1, col = 1;
    size_t i = 0;
    while (i < len) {
        const unsigned char c = s[i];
        if (c == '\n' || c == '\r') {
            i += (c == '\r' && i + 1 < len && s[i + 1] == '\n') ? 2 : 1;
            ++line;
            col = 1;
            continue;
        }
        if (c == 0) {
            *column = col;
            snprintf(why, whylen, "NUL byte (column %d)", col);
            return line;
        }
        size_t need;  /* continuation bytes */
        unsigned char lo = 0x80, hi = 0xBF; /* allowed range of the first continuation byte */
        if (c < 0x80)
            need = 0;
        else if (c >= 0xC2 && c <= 0xDF)
            need = 1;
        else if (c >= 0xE0 && c <= 0xEF) {
            need = 2;
            if (c == 0xE0)
                lo = 0xA0; /* overlong */
            else if (c == 0xED)
                hi = 0x9F; /* UTF-16 surrogates */
        } else if (c >= 0xF0 && c <= 0xF4) {
            need = 3;
            if (c == 0xF0)
                lo = 0x90; /* overlong */
            else if (c == 0xF4)
                hi = 0x8F; /* above U+10FFFF */
        } else {
            need = SIZE_MAX; /* 0x80..0xC1, 0xF5..0xFF never start a character */
        }
        int ok = need != SIZE_MAX && need < len - i; /* the whole sequence is inside the text */
        for (size_t k = 1; ok && k <= need; ++k) {
            const unsigned char b = s[i + k];
            ok = k == 1 ? (b >= lo && b <= hi) : (b >= 0x80 && b <= 0xBF);
        }
        if (!ok) {
            *column = col;
            snprintf(why, whylen, "invalid UTF-8 byte 0x%02X (column %d)", c, col);
            return line;
        }
        i += need + 1;
        ++col;
    }
    *column = 0;
    if (whylen)
        why[0] = '\0';
    return 0;
}

void odt_text_one_line(char *msg)
{
    for (unsigned char *p = (unsigned char *)msg; *p; ++p)
        if (*p < 0x20 || *p == 0x7F)
            *p = ' ';
}
