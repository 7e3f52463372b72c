/*
 * tle.h: the NORAD two-line element set (TLE), parsed from its text lines into a
 * struct odt_elset (string level: reading files is the host's job).
 *
 * Format: Spacetrack Report #3, appendix; CelesTrak "NORAD Two-Line Element Set
 * Format" (T.S. Kelso); Alpha-5 catalogue numbers as defined by the 18th Space
 * Defense Squadron (2020): a leading letter A..Z without I and O stands for
 * 10..33, so A0000 = 100000 and Z9999 = 339999.
 *
 * Columns are 1-based, as in the format's documentation. A line has 69 columns;
 * anything after column 69 is ignored by the parser (the SGP4 verification file
 * keeps its start/stop/step times there, see odt_tle_verification_range).
 */
#ifndef ODT_TLE_H
#define ODT_TLE_H

#include <stddef.h>
#include "odt_defs.h"
#include "elements.h"

ODT_EXTERN_C_BEGIN

/* Options of odt_tle_parse_flags. */
enum odt_tle_flags {
    ODT_TLE_STRICT = 0,            /* check everything (what odt_tle_parse does) */
    ODT_TLE_SKIP_CHECKSUM = 1u << 0 /* accept a column-69 checksum that does not match:
                                       hand-edited sets such as cases 33333..33335 of the
                                       SGP4 verification file carry stale checksums */
};

/*
 * odt_tle_parse: parse one TLE, an optional name line (line0_or_null, "line 0":
 * trailing blanks dropped, a leading "0 " as in the three-line 3LE form removed,
 * at most ODT_ELSET_NAME_LEN - 1 characters kept; NULL or "" gives an empty name)
 * and lines 1 and 2, into *out. Trailing blanks, CR and LF end a line.
 * Checks: each line has 69 columns; line numbers 1 and 2; the modulo-10 checksum
 * in column 69 (digits count their value, '-' counts 1); the blank separator
 * columns; the same catalogue number on both lines (Alpha-5 accepted); every
 * numeric field, including the implied-decimal fields (eccentricity "1859667" =
 * 0.1859667; ndot/2 ".00000023"; nddot/6 and B* " 12345-3" = 0.12345e-3) and the
 * ranges of the angles (inclination 0..180 deg, others 0..360 deg), the mean motion
 * (> 0) and the epoch day (1 <= day < 1 + days in year).
 * Epoch: the two-digit year 57..99 is 19xx, 00..56 is 20xx; the epoch is returned
 * as epoch_jd (0h UTC of the day, ends in .5) plus epoch_jd_frac (fraction of day)
 * exactly as written. Decimal fields are converted with correct rounding, so the
 * same element set read from an OMM gives the same values.
 * Returns ODT_OK, or ODT_ERR_PARSE with a one-line reason in err (if err is not
 * NULL and errlen > 0) that names the line (1 or 2, or 0 for the name) and the
 * column(s), e.g. "TLE line 2, columns 9-16 (inclination): \"9.49x8\" is not a
 * number". *out is written only on success.
 */
enum odt_status odt_tle_parse(const char *line0_or_null, const char *line1, const char *line2, struct odt_elset *out,
                              char *err, size_t errlen);

/* odt_tle_parse with options: flags is a combination of enum odt_tle_flags. */
enum odt_status odt_tle_parse_flags(const char *line0_or_null, const char *line1, const char *line2, unsigned flags,
                                    struct odt_elset *out, char *err, size_t errlen);

/*
 * odt_tle_checksum: the checksum digit (0..9) of columns 1..68 of a TLE line, or -1
 * when the line has fewer than 68 columns.
 */
int odt_tle_checksum(const char *line);

/*
 * odt_tle_verification_range: the optional fields after column 69 of line 2 in the
 * SGP4 verification file (Vallado et al. 2006, SGP4-VER.TLE): start, stop and step
 * of the propagation in minutes since epoch. Returns 1 and fills the three values
 * when exactly three numbers follow column 69, 0 otherwise (outputs untouched).
 */
int odt_tle_verification_range(const char *line2, double *start_min, double *stop_min, double *step_min);

/*
 * odt_tle_alpha5_decode: catalogue number of a 5-column TLE field: five digits
 * (leading blanks allowed), or a letter A..Z other than I and O (A = 10, ...,
 * H = 17, J = 18, ..., N = 22, P = 23, ..., Z = 33) followed by four digits, which
 * gives letter * 10000 + digits. Returns -1 when the field is not valid.
 */
long odt_tle_alpha5_decode(const char field[5]);

/*
 * odt_tle_alpha5_encode: the 5-column field of catalogue number n (0..339999):
 * five digits below 100000, Alpha-5 above; writes 5 characters and a NUL to
 * field. Returns 0, or -1 when n is out of range (field untouched).
 */
int odt_tle_alpha5_encode(long n, char field[6]);

ODT_EXTERN_C_END

#endif /* ODT_TLE_H */
