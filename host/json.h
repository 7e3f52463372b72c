/* json.h: the two JSON writers every JSON output of odtwin uses (report, run summary, export). */
#ifndef ODT_JSON_H
#define ODT_JSON_H

#include <stdio.h>

/* odt_json_string: s as a JSON string (quotes, backslashes and control characters escaped; NULL as ""). */
void odt_json_string(FILE *f, const char *s);

/* odt_json_number: the shortest of %.15g..%.17g that reads back as the same double; null for NaN and
   infinities. */
void odt_json_number(FILE *f, double v);

#endif /* ODT_JSON_H */
