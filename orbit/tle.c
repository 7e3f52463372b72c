/*
 * tle.c: the two-line element set parser (see tle.h for the format and checks).
 *
 * Every field is read from its fixed columns. Decimal fields are converted
 * without strtod (which depends on the C locale): the digits form an exact
 * integer (at most 15 digits) and one division by an exact power of ten rounds
 * it correctly, the same value strtod gives in the C locale.
 */
#include "tle.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define TLE_COLUMNS 69
#define TLE_FIELD_MAX 24 /* longest field copied, with room to spare */

/* Where a failure is reported. */
struct tle_report {
    char *err;
    size_t errlen;
};

static enum odt_status tle_fail(const struct tle_report *rep, const char *fmt, ...)
{
    if (rep->err && rep->errlen > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(rep->err, rep->errlen, fmt, ap);
        va_end(ap);
    }
    return ODT_ERR_PARSE;
}

/* Length of a line up to NUL, CR or LF, less trailing blanks and tabs. */
static size_t tle_line_length(const char *line)
{
    size_t n = strcspn(line, "\r\n");
    while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\t'))
        --n;
    return n;
}

/* Copy columns c0..c1 (1-based, inclusive) of line into buf, NUL-terminated. */
static void tle_field(const char *line, int c0, int c1, char *buf)
{
    const int n = c1 - c0 + 1;
    memcpy(buf, line + c0 - 1, (size_t)n);
    buf[n] = '\0';
}

/* Strip leading and trailing blanks in place; returns the start. */
static char *tle_trim(char *s)
{
    size_t n;
    while (*s == ' ')
        ++s;
    n = strlen(s);
    while (n > 0 && s[n - 1] == ' ')
        s[--n] = '\0';
    return s;
}

static int tle_is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* 10^k for 0 <= k <= 22, exact in double. */
static double tle_pow10(int k)
{
    double p = 1.0;
    while (k-- > 0)
        p *= 10.0;
    return p;
}

/*
 * Parse a decimal "[+-]digits[.digits]" or "[+-].digits" (blanks around it
 * allowed, at least one digit, at most 15 digits) with correct rounding.
 * Returns 1 on success.
 */
static int tle_parse_decimal(const char *text, double *out)
{
    char buf[TLE_FIELD_MAX + 1];
    const char *p;
    double mant = 0.0;
    int neg = 0, ndig = 0, nfrac = 0, seen_point = 0;
    if (strlen(text) > TLE_FIELD_MAX)
        return 0;
    strcpy(buf, text);
    p = tle_trim(buf);
    if (*p == '+' || *p == '-')
        neg = (*p++ == '-');
    for (; *p; ++p) {
        if (tle_is_digit(*p)) {
            mant = mant * 10.0 + (double)(*p - '0'); /* exact below 2^53 */
            ++ndig;
            nfrac += seen_point;
        } else if (*p == '.' && !seen_point) {
            seen_point = 1;
        } else {
            return 0;
        }
    }
    if (ndig == 0 || ndig > 15)
        return 0;
    mant /= tle_pow10(nfrac);
    *out = neg ? -mant : mant;
    return 1;
}

/* Parse an unsigned integer field of digits, with leading blanks; an all-blank
 * field is `blank_value` (or an error when blank_value < 0). Returns 1 on success. */
static int tle_parse_uint(const char *text, long blank_value, long *out)
{
    long v = 0;
    int ndig = 0;
    const char *p = text;
    while (*p == ' ')
        ++p;
    for (; *p; ++p) {
        if (!tle_is_digit(*p))
            return 0;
        v = v * 10 + (*p - '0');
        ++ndig;
    }
    if (ndig == 0) {
        if (blank_value < 0)
            return 0;
        v = blank_value;
    }
    *out = v;
    return 1;
}

/*
 * Parse an implied-decimal field "SMMMMMSE" (8 columns: mantissa sign ' ', '+' or
 * '-'; five mantissa digits with the decimal point before them; exponent sign '+'
 * or '-'; one exponent digit): " 12345-3" = 0.12345e-3. As in the reference
 * reader, blanks among the mantissa digits and a blank exponent digit read as 0.
 * Returns 1 on success.
 */
static int tle_parse_implied(const char *f, double *out)
{
    long mant = 0;
    int i, e;
    double v;
    if (f[0] != ' ' && f[0] != '+' && f[0] != '-')
        return 0;
    for (i = 1; i <= 5; ++i) {
        if (!tle_is_digit(f[i]) && f[i] != ' ')
            return 0;
        mant = mant * 10 + (f[i] == ' ' ? 0 : f[i] - '0');
    }
    if (f[6] != '+' && f[6] != '-')
        return 0;
    if (!tle_is_digit(f[7]) && f[7] != ' ')
        return 0;
    e = (f[7] == ' ' ? 0 : f[7] - '0') * (f[6] == '-' ? -1 : 1);
    /* value = mant * 10^(e - 5); e - 5 in [-14, 4] */
    if (e - 5 < 0)
        v = (double)mant / tle_pow10(5 - e);
    else
        v = (double)mant * tle_pow10(e - 5);
    *out = (f[0] == '-') ? -v : v;
    return 1;
}

long odt_tle_alpha5_decode(const char field[5])
{
    long high, rest;
    int i;
    char c = field[0];
    if (c >= 'A' && c <= 'Z') {
        if (c == 'I' || c == 'O')
            return -1;
        /* A..H = 10..17, J..N = 18..22, P..Z = 23..33 */
        high = 10 + (c - 'A') - (c > 'I') - (c > 'O');
        rest = 0;
        for (i = 1; i < 5; ++i) {
            if (!tle_is_digit(field[i]))
                return -1;
            rest = rest * 10 + (field[i] - '0');
        }
        return high * 10000 + rest;
    }
    /* five digits, leading blanks allowed, not all blank */
    rest = 0;
    for (i = 0; i < 5 && field[i] == ' '; ++i)
        ;
    if (i == 5)
        return -1;
    for (; i < 5; ++i) {
        if (!tle_is_digit(field[i]))
            return -1;
        rest = rest * 10 + (field[i] - '0');
    }
    return rest;
}

int odt_tle_alpha5_encode(long n, char field[6])
{
    static const char letters[] = "ABCDEFGHJKLMNPQRSTUVWXYZ"; /* 10..33, no I or O */
    if (n < 0 || n > 339999)
        return -1;
    if (n < 100000) {
        snprintf(field, 6, "%05ld", n);
    } else {
        field[0] = letters[n / 10000 - 10];
        snprintf(field + 1, 5, "%04ld", n % 10000);
    }
    return 0;
}

int odt_tle_checksum(const char *line)
{
    int sum = 0, i;
    for (i = 0; i < TLE_COLUMNS - 1; ++i) {
        const char c = line[i];
        if (c == '\0' || c == '\r' || c == '\n')
            return -1;
        if (tle_is_digit(c))
            sum += c - '0';
        else if (c == '-')
            sum += 1;
    }
    return sum % 10;
}

/* Julian date of 0h UTC on January 1 of Gregorian year y (y >= 1). */
static double tle_jd_jan1(long y)
{
    const long m = y - 1;
    return 1721425.5 + 365.0 * (double)m + (double)(m / 4 - m / 100 + m / 400);
}

static int tle_is_leap(long y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Checks shared by both lines: length, line number, checksum, blank columns. */
static enum odt_status tle_check_line(const struct tle_report *rep, const char *line, int number,
                                      const int *blanks, int nblanks, unsigned flags)
{
    const size_t len = tle_line_length(line);
    int i;
    if (len < TLE_COLUMNS)
        return tle_fail(rep, "TLE line %d is truncated: %zu columns, expected %d", number, len, TLE_COLUMNS);
    if (line[0] != '0' + number)
        return tle_fail(rep, "TLE line %d, column 1: line number is '%c', expected '%d'", number, line[0], number);
    for (i = 0; i < nblanks; ++i)
        if (line[blanks[i] - 1] != ' ')
            return tle_fail(rep, "TLE line %d, column %d: expected a blank, found '%c' (misaligned fields?)",
                            number, blanks[i], line[blanks[i] - 1]);
    if (!(flags & ODT_TLE_SKIP_CHECKSUM)) {
        const int sum = odt_tle_checksum(line);
        if (!tle_is_digit(line[TLE_COLUMNS - 1]))
            return tle_fail(rep, "TLE line %d, column 69: checksum '%c' is not a digit", number,
                            line[TLE_COLUMNS - 1]);
        if (line[TLE_COLUMNS - 1] - '0' != sum)
            return tle_fail(rep, "TLE line %d, column 69: checksum mismatch: the line says %c, columns 1-68 give %d",
                            number, line[TLE_COLUMNS - 1], sum);
    }
    return ODT_OK;
}

/* Read a decimal field of columns c0..c1 into *v, or report it. */
static enum odt_status tle_decimal_field(const struct tle_report *rep, const char *line, int number, int c0, int c1,
                                         const char *what, double *v)
{
    char buf[TLE_FIELD_MAX + 1];
    tle_field(line, c0, c1, buf);
    if (!tle_parse_decimal(buf, v))
        return tle_fail(rep, "TLE line %d, columns %d-%d (%s): \"%s\" is not a number", number, c0, c1, what, buf);
    return ODT_OK;
}

/* Read an angle field in degrees, 0 <= angle <= max_deg. */
static enum odt_status tle_angle_field(const struct tle_report *rep, const char *line, int c0, int c1,
                                       const char *what, double max_deg, double *v)
{
    const enum odt_status st = tle_decimal_field(rep, line, 2, c0, c1, what, v);
    if (st != ODT_OK)
        return st;
    if (!(*v >= 0.0 && *v <= max_deg))
        return tle_fail(rep, "TLE line 2, columns %d-%d (%s): %g deg is outside 0..%g deg", c0, c1, what, *v,
                        max_deg);
    return ODT_OK;
}

/* Read an implied-decimal field (nddot, B*) of line 1, columns c0..c0+7. */
static enum odt_status tle_implied_field(const struct tle_report *rep, const char *line, int c0, const char *what,
                                         double *v)
{
    char buf[TLE_FIELD_MAX + 1];
    tle_field(line, c0, c0 + 7, buf);
    if (!tle_parse_implied(buf, v))
        return tle_fail(rep,
                        "TLE line 1, columns %d-%d (%s): \"%s\" is not an implied-decimal number like \" 12345-3\"",
                        c0, c0 + 7, what, buf);
    return ODT_OK;
}

/* Read an unsigned integer field. */
static enum odt_status tle_uint_field(const struct tle_report *rep, const char *line, int number, int c0, int c1,
                                      const char *what, long blank_value, long *v)
{
    char buf[TLE_FIELD_MAX + 1];
    tle_field(line, c0, c1, buf);
    if (!tle_parse_uint(buf, blank_value, v))
        return tle_fail(rep, "TLE line %d, columns %d-%d (%s): \"%s\" is not an unsigned integer", number, c0, c1,
                        what, buf);
    return ODT_OK;
}

/* The name line: trailing blanks/CR/LF dropped, a leading "0 " removed. */
static void tle_copy_name(const char *line0, char *name)
{
    size_t n;
    if (line0 == NULL) {
        name[0] = '\0';
        return;
    }
    if (line0[0] == '0' && line0[1] == ' ')
        line0 += 2;
    n = tle_line_length(line0);
    if (n > ODT_ELSET_NAME_LEN - 1)
        n = ODT_ELSET_NAME_LEN - 1;
    memcpy(name, line0, n);
    name[n] = '\0';
}

#define TLE_TRY(expr)                                                                                                  \
    do {                                                                                                               \
        const enum odt_status tle_st_ = (expr);                                                                        \
        if (tle_st_ != ODT_OK)                                                                                         \
            return tle_st_;                                                                                            \
    } while (0)

enum odt_status odt_tle_parse_flags(const char *line0_or_null, const char *line1, const char *line2, unsigned flags,
                                    struct odt_elset *out, char *err, size_t errlen)
{
    static const int blanks1[] = {2, 9, 18, 33, 44, 53, 62, 64};
    static const int blanks2[] = {2, 8, 17, 26, 34, 43, 52};
    struct tle_report rep;
    struct odt_elset el;
    char buf[TLE_FIELD_MAX + 1];
    const char *point;
    long cat2, year = 0, ephem = 0, number = 0;
    double day, ecc_digits;

    rep.err = err;
    rep.errlen = errlen;
    if (err && errlen > 0)
        err[0] = '\0';
    if (line1 == NULL || line2 == NULL)
        return tle_fail(&rep, "TLE: line %d is missing", line1 == NULL ? 1 : 2);
    memset(&el, 0, sizeof el);
    tle_copy_name(line0_or_null, el.name);

    /* ---- line 1 */
    TLE_TRY(tle_check_line(&rep, line1, 1, blanks1, (int)(sizeof blanks1 / sizeof blanks1[0]), flags));
    el.catalog_number = odt_tle_alpha5_decode(line1 + 2);
    if (el.catalog_number < 0) {
        tle_field(line1, 3, 7, buf);
        return tle_fail(&rep, "TLE line 1, columns 3-7 (catalogue number): \"%s\" is neither 5 digits nor Alpha-5",
                        buf);
    }
    el.classification = line1[7] == ' ' ? 'U' : line1[7];
    if (el.classification != 'U' && el.classification != 'C' && el.classification != 'S')
        return tle_fail(&rep, "TLE line 1, column 8 (classification): '%c' is not U, C or S", line1[7]);
    tle_field(line1, 10, 17, buf);
    strcpy(el.intl_designator, tle_trim(buf));
    TLE_TRY(tle_uint_field(&rep, line1, 1, 19, 20, "epoch year", -1, &year));
    year += (year < 57) ? 2000 : 1900;
    TLE_TRY(tle_decimal_field(&rep, line1, 1, 21, 32, "epoch day of year", &day));
    if (!(day >= 1.0 && day < (tle_is_leap(year) ? 367.0 : 366.0)))
        return tle_fail(&rep, "TLE line 1, columns 21-32 (epoch day of year): %.8f is not a day of %ld", day, year);
    /* the fraction of day from its own digits, to full double resolution */
    tle_field(line1, 21, 32, buf);
    point = strchr(buf, '.');
    if (point == NULL || !tle_parse_decimal(point, &el.epoch_jd_frac))
        el.epoch_jd_frac = 0.0;
    el.epoch_jd = tle_jd_jan1(year) + (floor(day) - 1.0);
    TLE_TRY(tle_decimal_field(&rep, line1, 1, 34, 43, "first derivative of mean motion", &el.ndot_rev_day2));
    TLE_TRY(tle_implied_field(&rep, line1, 45, "second derivative of mean motion", &el.nddot_rev_day3));
    TLE_TRY(tle_implied_field(&rep, line1, 54, "B* drag term", &el.bstar));
    TLE_TRY(tle_uint_field(&rep, line1, 1, 63, 63, "ephemeris type", 0, &ephem));
    TLE_TRY(tle_uint_field(&rep, line1, 1, 65, 68, "element set number", 0, &number));
    el.element_set_number = (int)number;

    /* ---- line 2 */
    TLE_TRY(tle_check_line(&rep, line2, 2, blanks2, (int)(sizeof blanks2 / sizeof blanks2[0]), flags));
    cat2 = odt_tle_alpha5_decode(line2 + 2);
    if (cat2 < 0) {
        tle_field(line2, 3, 7, buf);
        return tle_fail(&rep, "TLE line 2, columns 3-7 (catalogue number): \"%s\" is neither 5 digits nor Alpha-5",
                        buf);
    }
    if (cat2 != el.catalog_number)
        return tle_fail(&rep, "TLE line 2, columns 3-7: catalogue number %ld differs from line 1 (%ld)", cat2,
                        el.catalog_number);
    TLE_TRY(tle_angle_field(&rep, line2, 9, 16, "inclination", 180.0, &el.inclination_deg));
    TLE_TRY(tle_angle_field(&rep, line2, 18, 25, "right ascension of the node", 360.0, &el.raan_deg));
    /* eccentricity: seven digits with an implied leading decimal point */
    tle_field(line2, 27, 33, buf);
    if (strspn(buf, "0123456789") != 7 || !tle_parse_decimal(buf, &ecc_digits))
        return tle_fail(&rep, "TLE line 2, columns 27-33 (eccentricity): \"%s\" is not 7 digits (implied \"0.\")", buf);
    el.eccentricity = ecc_digits / 1.0e7;
    TLE_TRY(tle_angle_field(&rep, line2, 35, 42, "argument of perigee", 360.0, &el.arg_perigee_deg));
    TLE_TRY(tle_angle_field(&rep, line2, 44, 51, "mean anomaly", 360.0, &el.mean_anomaly_deg));
    TLE_TRY(tle_decimal_field(&rep, line2, 2, 53, 63, "mean motion", &el.mean_motion_rev_day));
    if (!(el.mean_motion_rev_day > 0.0))
        return tle_fail(&rep, "TLE line 2, columns 53-63 (mean motion): %g rev/day is not positive",
                        el.mean_motion_rev_day);
    TLE_TRY(tle_uint_field(&rep, line2, 2, 64, 68, "revolution number", 0, &el.rev_at_epoch));

    *out = el;
    return ODT_OK;
}

enum odt_status odt_tle_parse(const char *line0_or_null, const char *line1, const char *line2, struct odt_elset *out,
                              char *err, size_t errlen)
{
    return odt_tle_parse_flags(line0_or_null, line1, line2, ODT_TLE_STRICT, out, err, errlen);
}

int odt_tle_verification_range(const char *line2, double *start_min, double *stop_min, double *step_min)
{
    double v[3];
    const char *p;
    int k;
    if (line2 == NULL || tle_line_length(line2) <= TLE_COLUMNS)
        return 0;
    p = line2 + TLE_COLUMNS;
    for (k = 0; k < 3; ++k) {
        char tok[TLE_FIELD_MAX + 1];
        size_t n;
        p += strspn(p, " \t");
        n = strcspn(p, " \t\r\n");
        if (n == 0 || n > TLE_FIELD_MAX)
            return 0;
        memcpy(tok, p, n);
        tok[n] = '\0';
        if (!tle_parse_decimal(tok, &v[k]))
            return 0;
        p += n;
    }
    p += strspn(p, " \t\r\n");
    if (*p != '\0')
        return 0;
    *start_min = v[0];
    *stop_min = v[1];
    *step_min = v[2];
    return 1;
}
