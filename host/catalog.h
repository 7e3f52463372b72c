/*
 * catalog.h: readers for real constellation catalogues.
 *
 * One call loads every entry of a catalogue file (or memory buffer) into an
 * array of struct odt_elset, whatever its format:
 *
 *   - TLE: two-line and three-line sets (name line, optionally "0 NAME"),
 *     mixed in one file; blank lines and lines starting with '#' (comments,
 *     as in the SGP4 verification file) are skipped; LF, CR LF and CR end a
 *     line; columns after 69 are not part of the set (a verification range
 *     there is kept in the entry's info). A line of 64 or more characters
 *     starting with '1' or '2' is a TLE line even without the blank of
 *     column 2 (and is refused for it). Each set goes through
 *     odt_tle_parse_flags (orbit/tle.h).
 *   - CCSDS OMM (502.0-B-2 / B-3), SGP4/SDP4 mean elements only, as
 *       KVN  (KEYWORD = value [unit], COMMENT lines, one OMM per
 *             CCSDS_OMM_VERS header, several per file),
 *       XML  (NDM/XML: <ndm><omm>..., or a bare <omm>; namespaces ignored),
 *       JSON (an array of flat objects with the OMM keywords, values as JSON
 *             numbers or strings; a single object is accepted too),
 *       CSV  (a header row of OMM keywords in any column order, RFC 4180
 *             quoting).
 *
 * Entries that are bad (a broken TLE line, a missing required keyword, a
 * non-numeric or out-of-range value, a theory other than SGP4) are reported
 * one by one through a diagnostics callback with file, line and reason, and
 * skipped; in strict mode the first bad entry fails the load. A file whose
 * structure is broken as a whole (XML or JSON that is not well formed, a CSV
 * header without a required column, a format that cannot be recognised) fails
 * the load with ODT_ERR_PARSE and one message.
 *
 * OMM keywords used (all others, e.g. covariance and USER_DEFINED, ignored):
 *   required: EPOCH, MEAN_MOTION, ECCENTRICITY, INCLINATION, RA_OF_ASC_NODE,
 *             ARG_OF_PERICENTER, MEAN_ANOMALY, NORAD_CAT_ID, BSTAR;
 *   optional: OBJECT_NAME (""), OBJECT_ID (""), CLASSIFICATION_TYPE ('U'),
 *             ELEMENT_SET_NO (0), REV_AT_EPOCH (0), MEAN_MOTION_DOT (0),
 *             MEAN_MOTION_DDOT (0);
 *   checked when present: MEAN_ELEMENT_THEORY (SGP4 or SDP4), EPHEMERIS_TYPE
 *             (0, 2 or 3), CENTER_NAME (EARTH), REF_FRAME (TEME),
 *             TIME_SYSTEM (UTC).
 * MEAN_MOTION_DOT and MEAN_MOTION_DDOT are the TLE fields (ndot/2, nddot/6),
 * stored as they are.
 *
 * Reference: CCSDS 502.0-B-2 "Orbit Data Messages" (2009), section 4 (OMM)
 * and annex; CCSDS 505.0-B-1 "XML Specification for Navigation Data
 * Messages".
 */
#ifndef ODT_CATALOG_H
#define ODT_CATALOG_H

#include <stddef.h>

#include "orbit/elements.h"

ODT_EXTERN_C_BEGIN

/* Catalogue file formats. */
enum odt_catalog_format {
    ODT_CATALOG_AUTO = 0, /* detect from the content, then from the file extension */
    ODT_CATALOG_TLE,      /* two- or three-line element sets */
    ODT_CATALOG_OMM_KVN,  /* CCSDS OMM, keyword = value notation */
    ODT_CATALOG_OMM_XML,  /* CCSDS OMM, NDM/XML */
    ODT_CATALOG_OMM_JSON, /* OMM keywords as JSON objects (CelesTrak, Space-Track) */
    ODT_CATALOG_OMM_CSV   /* OMM keywords as CSV columns (CelesTrak) */
};

/* Where an entry came from in its file. */
struct odt_catalog_entry_info {
    int line;               /* 1-based line where the entry starts (TLE: its line 1) */
    int has_range;          /* TLE: line 2 carries a verification range after column 69 */
    double range_min[3];    /* that range: start, stop, step, minutes from the element epoch */
};

/* A loaded catalogue. */
struct odt_catalog {
    struct odt_elset *entries;      /* n entries, heap (odt_catalog_free releases it) */
    struct odt_catalog_entry_info *info; /* n, parallel to entries, heap */
    size_t n, cap;                  /* entries in use, entries allocated */
    size_t n_bad;                   /* entries rejected (each reported through the diagnostics callback) */
    enum odt_catalog_format format; /* detected format (ODT_CATALOG_AUTO if the input is empty) */
};

/* Diagnostics: called once per bad entry with file, 1-based line (0 when unknown) and reason. */
typedef void (*odt_diag_fn)(void *ctx, const char *file, int line, const char *msg);

/*
 * Options of odt_catalog_read_file / odt_catalog_read_buffer: the one reader
 * and the one strictness rule of every command that reads a catalogue
 * (`odtwin run` through a scenario, `odtwin propagate`).
 */
struct odt_catalog_options {
    enum odt_catalog_format format; /* ODT_CATALOG_AUTO (0): detect it */
    int strict;                     /* 1: the first bad entry fails the load; 0: bad entries are skipped */
    unsigned tle_flags;             /* enum odt_tle_flags (orbit/tle.h), e.g. ODT_TLE_SKIP_CHECKSUM */
    odt_diag_fn skipped;            /* called once per skipped entry (strict 0 only); may be NULL */
    void *ctx;                      /* its first argument */
};

/*
 * odt_catalog_read_file: load every entry of a catalogue file (at most
 * ODT_CATALOG_MAX_BYTES, a regular file: host/textfile.h), UTF-8 text without
 * NUL bytes, with LF, CR LF or CR line ends.
 *
 *   opt     format, strictness, TLE parser flags, the callback of skipped entries (NULL: defaults)
 *   out     overwritten (not freed first); on failure it holds no entries
 *   err     on failure one line "FILE:LINE: problem" ("FILE: problem" where no line applies): a bad
 *           entry in strict mode, a file broken as a whole, a file whose entries are all bad (naming
 *           the first), a file that cannot be read
 *
 * Returns ODT_OK (out->n == 0 only when the file holds no entries at all),
 * ODT_ERR_IO, ODT_ERR_PARSE or ODT_ERR_NOMEM. Unlike odt_catalog_load, the
 * failure goes to err, not to the callback, so that a caller can print the
 * skipped entries as warnings and the failure as its one error.
 */
enum odt_status odt_catalog_read_file(const char *path, const struct odt_catalog_options *opt, struct odt_catalog *out,
                                      char *err, size_t errlen);
/* odt_catalog_read_buffer: the same from len bytes of text (name: for messages and the extension). */
enum odt_status odt_catalog_read_buffer(const char *name, const char *text, size_t len,
                                        const struct odt_catalog_options *opt, struct odt_catalog *out, char *err,
                                        size_t errlen);

/* odt_catalog_print_skipped: the warning a command prints for a skipped entry (an odt_diag_fn; ctx unused):
   "odtwin: warning: FILE:LINE: reason (entry skipped)" on stderr. */
void odt_catalog_print_skipped(void *ctx, const char *file, int line, const char *msg);

/*
 * odt_catalog_load: load every entry of a catalogue file (the older interface:
 * every message, skipped entries and the failure alike, goes to diag).
 *
 *   path    file to read (read whole, once)
 *   fmt     format, or ODT_CATALOG_AUTO to detect it: first non-blank
 *           characters '<' XML, '[' or '{' JSON, CCSDS_OMM_VERS KVN, a line
 *           "1 ..." of at least 69 characters followed by "2 ..." TLE, a
 *           header line with commas naming MEAN_MOTION CSV; otherwise the
 *           extension (.tle .txt .2le .3le, .kvn .omm, .xml, .json, .csv)
 *   strict  0: bad entries are reported, skipped and counted in out->n_bad;
 *           non-zero: the first bad entry fails the call with ODT_ERR_PARSE
 *   diag    diagnostics callback (may be NULL), ctx its first argument
 *   out     overwritten (not freed first); on failure it holds no entries
 *           (n_bad and format still say what was found)
 *
 * Returns ODT_OK; ODT_ERR_IO for a missing or unreadable file (one message
 * naming the file and the system error); ODT_ERR_PARSE for a bad entry in
 * strict mode, a file broken as a whole, an unrecognised format, or a file
 * whose entries are all bad; ODT_ERR_NOMEM. ODT_OK with out->n == 0 only when
 * the input holds no entries at all.
 */
enum odt_status odt_catalog_load(const char *path, enum odt_catalog_format fmt, int strict,
                                 odt_diag_fn diag, void *ctx, struct odt_catalog *out);

/*
 * odt_catalog_load_buffer: as odt_catalog_load, from len bytes of text in
 * memory (need not be NUL-terminated). name is the file name used in
 * messages and for the extension fallback of ODT_CATALOG_AUTO (may be NULL).
 */
enum odt_status odt_catalog_load_buffer(const char *name, const char *text, size_t len,
                                        enum odt_catalog_format fmt, int strict, odt_diag_fn diag,
                                        void *ctx, struct odt_catalog *out);

/* odt_catalog_free: release the entries of c and zero it (c may be NULL; safe twice). */
void odt_catalog_free(struct odt_catalog *c);

/*
 * odt_catalog_parse_epoch: an OMM EPOCH (ISO 8601 / CCSDS ASCII time code A
 * or B, UTC) as a split Julian date.
 *
 *   text, len  "YYYY-MM-DDThh:mm:ss[.f...][Z]" or "YYYY-DDDThh:mm:ss[.f...][Z]"
 *              (a space may stand for 'T'); up to 9 fraction digits are
 *              used exactly, further digits are ignored
 *   jd         Julian date of 0h UTC of the day (ends in .5)
 *   jd_frac    fraction of the day, 0 <= jd_frac < 1; the epoch is jd + jd_frac
 *
 * The day fraction is one correctly rounded division of an integer count of
 * sub-second ticks, so microsecond epochs are not degraded (the double
 * resolution is about 1e-11 s). This is the convention of the TLE reader
 * (Julian date of 0h of the day plus the day fraction), so the same epoch
 * written as TLE day-of-year and as OMM EPOCH gives the same pair.
 * Returns ODT_OK or ODT_ERR_PARSE (malformed text, a date that does not
 * exist, hour >= 24, minute >= 60, second >= 60: leap seconds are refused).
 * Reference: CCSDS 301.0-B-4 section 3.5 (ASCII time codes); ERFA eraCal2jd.
 */
enum odt_status odt_catalog_parse_epoch(const char *text, size_t len, double *jd, double *jd_frac);

/* odt_catalog_format_name: a short name of a format ("TLE", "OMM/KVN", ...) for messages. */
const char *odt_catalog_format_name(enum odt_catalog_format fmt);

ODT_EXTERN_C_END

#endif /* ODT_CATALOG_H */
