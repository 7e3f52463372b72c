/*
 * export.h: `odtwin export`: a snapshot's orbits and records in the formats
 * of other tools.
 *
 *   oem   CCSDS Orbit Ephemeris Message 2.0 (KVN, CCSDS 502.0-B-2): one
 *         segment per satellite, GCRF, UTC, km and km/s (needs velocity in
 *         the records)
 *   czml  Cesium's CZML: a document packet and one packet per satellite with
 *         its inertial positions (m) and a point coloured by illumination or
 *         temperature over time
 *   csv   RFC 4180 CSV: one row per record and satellite, or with --series
 *         one row per fleet-series step; --geodetic adds WGS-84 latitude,
 *         longitude and altitude
 *
 * The snapshot is read as `odtwin report` reads it: complete records only, a
 * file still being written (SWMR) or left by a killed run included. The
 * output is written to OUT.part-PID and renamed into place when whole; a
 * failure leaves nothing. Formats, columns, frames and time scales:
 * docs/export.md.
 */
#ifndef ODT_EXPORT_H
#define ODT_EXPORT_H

/* odtwin export SNAPSHOT.h5 --format oem|czml|csv [options]: argv holds the
   arguments after "export". Returns the exit code: 0 done, 1 a bad or
   unreadable file or a failed write (one message on stderr), 2 bad options. */
int odt_export_main(int argc, char **argv);

#endif /* ODT_EXPORT_H */
