/*
 * claims_report.h: `odtwin report --claims`: a snapshot's fleet growth per
 * year, its cost against the ground reference, and one row for each claim of
 * the February 2026 interview (host/economics.h, docs/economics.md).
 *
 * Everything comes from the file: the fleet series (/series, weighted, at full
 * time resolution or every `every_steps`), the launches (/launches), the
 * classes (/classes: accelerators, board power, design life, launch mass), the
 * events (/eclipses, /failures with /fleet/weight), the end state (/final) and
 * the prices (/economics). Years are Julian years (365.25 d) from the epoch,
 * labelled by the decimal calendar year at their start; a partial last year
 * gives tokens and failures as rates per year, launches and money as counted. Satellites in orbit at
 * the epoch (fleet entries without a launch block) are charged as bought and
 * launched at the epoch, in the first year. With several fleet
 * entries, the cost model uses the first entry's accelerator (its price, board
 * power and throughput) and design life; the physical sums cover every entry.
 */
#ifndef ODT_CLAIMS_REPORT_H
#define ODT_CLAIMS_REPORT_H

#include <hdf5.h>
#include <stdio.h>
#include "orbit/odt_defs.h"

/* odt_claims_report: write the claims report of the open snapshot `file` (named path in messages) to out as
   text or JSON. Returns ODT_OK, or ODT_ERR_PARSE (a dataset missing or of the wrong shape: "PATH: ..."),
   ODT_ERR_VALUE (a run too short to have a year row), ODT_ERR_NOMEM. */
enum odt_status odt_claims_report(hid_t file, const char *path, int json, FILE *out, char *err, size_t errlen);

#endif /* ODT_CLAIMS_REPORT_H */
