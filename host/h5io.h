/*
 * h5io.h: the HDF5 helpers of odtwin: quiet errors and one-line error text,
 * attributes, growing series (datasets extendible along their first
 * dimension), parallel shuffle + deflate of a series' records, event tables
 * (one 1-D series per column along their own dimension scale), string
 * dimension scales, and reading a snapshot as `odtwin report` and
 * `odtwin export` do (static datasets, opening, the complete records).
 *
 * Conventions
 *   - Fallible functions return 0 on success and -1 on failure, like HDF5's
 *     herr_t; the caller turns -1 into its own enum odt_status (ODT_ERR_IO) and
 *     message, with odt_h5_error_line for the detail.
 *   - Every HDF5 call is made on the calling thread. The compression pool's
 *     worker threads call only zlib and memcpy: HDF5 itself need not be
 *     thread-safe.
 *   - Layout choices (chunk shapes, which series are compressed) are those of
 *     docs/snapshot.md; see odt_h5_series_create.
 */
#ifndef ODT_H5IO_H
#define ODT_H5IO_H

#include <hdf5.h>
#include <stddef.h>
#include <stdint.h>

#define ODT_H5_CHUNK_BYTES ((size_t)1 << 20)       /* target chunk size of a record slice, bytes */
#define ODT_H5_SMALL_CHUNK_BYTES ((size_t)2 << 10) /* records below this share chunks, bytes */
#define ODT_H5_RANK1_CHUNK 1024                    /* records per chunk of a 1-D series */
#define ODT_H5_STRING_MAX ((size_t)64 << 20)       /* longest string attribute read, bytes */

/* ------------------------------------------------------------------ errors */

/* Silence HDF5's automatic error-stack printing on the calling thread, unless
   the environment sets ODT_HDF5_ERRORS to a non-empty value other than "0".
   odtwin reports its own errors; the variable shows HDF5's stacks as well. */
void odt_h5_quiet(void);

/* One line (no newline, at most len - 1 bytes, "" when the stack is empty)
   about the innermost error of the calling thread's current HDF5 error stack:
     "<function>(): <description> (<major>: <minor>; API call <outermost>)"
   for messages like "file: HDF5 error while X: <this>". The stack is left as
   it was. */
void odt_h5_error_line(char *buf, size_t len);

/* -------------------------------------------------------------- attributes */

/* Set attribute `name` of object obj (a file, group or dataset id), replacing
   an existing one of any type or shape. Strings are stored as scalar,
   fixed-length, NUL-terminated ASCII (the layout of H5LTset_attribute_string);
   numbers as scalar native double / int64. Return 0, or -1. */
int odt_h5_attr_set_string(hid_t obj, const char *name, const char *value);
int odt_h5_attr_set_double(hid_t obj, const char *name, double v);
int odt_h5_attr_set_int64(hid_t obj, const char *name, int64_t v);

/* Read a scalar (or one-element) string attribute, stored fixed-length or
   variable-length (h5py's default), in its own character set. *out: malloc'd,
   NUL-terminated text (the caller frees it), NULL on failure. Fails (-1) for a
   missing attribute, a non-string one, several strings, or text longer than
   ODT_H5_STRING_MAX bytes. */
int odt_h5_attr_get_string(hid_t obj, const char *name, char **out);

/* Read a scalar (or one-element) integer or floating-point attribute as a
   double. Return 0, or -1 (missing, not a number, several values). */
int odt_h5_attr_get_double(hid_t obj, const char *name, double *v);

/* ------------------------------------------------------------------ series */

/* A growing series: dataset [records, dims[1], dims[2]] extendible along
   dimension 0. The fields are read-only for callers. */
struct odt_h5_series {
    hid_t d;              /* the dataset; H5I_INVALID_HID when closed */
    hid_t mem_type;       /* type of the caller's buffers (a copy owned by the series) */
    int rank;             /* 1..3 */
    hsize_t dims[3];      /* dims[0]: records written so far; dims[1..rank-1]: record shape */
    hsize_t chunk[3];     /* chunk shape, elements */
    size_t elem;          /* bytes per element of mem_type */
    int deflate;          /* deflate level of the stored chunks, 0: none, -1: other filters (opened series) */
    int shuffle;          /* 1: the shuffle filter comes before deflate */
    hsize_t record_elems; /* elements per record: dims[1] * dims[2] (1 for rank 1) */
    hsize_t inner;        /* elements per index of dimension 1: dims[2] (1 for rank < 3) */
    int direct;           /* 1: the pool compresses this series' chunks itself (see odt_h5_pool_append) */
};

/* Create series `name` under loc (file or group) with storage and memory type
   `type` (a native integer or float type, or a fixed-length string type; the
   series keeps a copy), `rank` 1..3 and record shape dims[1..rank-1] (each
   >= 1; dims[0] is ignored: the series starts with 0 records).
   deflate: level 0..9; 0 stores no filters, > 0 shuffle + deflate on the
   chunks that are written exactly once.
   Chunks:
     - rank 1: ODT_H5_RANK1_CHUNK records per chunk, uncompressed (an append
       rewrites the last chunk);
     - rank >= 2, record >= ODT_H5_SMALL_CHUNK_BYTES: one record per chunk,
       cut along dimension 1 into the fewest slices of at most
       ODT_H5_CHUNK_BYTES, of equal length but the last (HDF5 stores the edge
       chunk whole: equal slices keep the waste of an uncompressed one small);
       every chunk is written once and never rewritten, compressed when
       deflate > 0;
     - rank >= 2, smaller records: chunks of about ODT_H5_SMALL_CHUNK_BYTES
       of whole records, uncompressed whatever `deflate` says: such a chunk is
       rewritten at each append, and only an uncompressed chunk is rewritten in
       place, so a kill cannot lose the records written into it before.
   units, long_name: CF attributes, skipped when NULL. Return 0, or -1 (nothing
   is left open; the dataset may exist). */
int odt_h5_series_create(struct odt_h5_series *s, hid_t loc, const char *name, hid_t type, int rank,
                         const hsize_t *dims, int deflate, const char *units, const char *long_name);

/* Open series `name` under loc for appending and reading with buffers of
   mem_type (which HDF5 converts from the stored type if they differ): reads
   the shape, the chunking and the filters. Return 0, or -1. */
int odt_h5_series_open(struct odt_h5_series *s, hid_t loc, const char *name, hid_t mem_type);

/* Close the dataset and the type; safe on a closed or zeroed series. */
void odt_h5_series_close(struct odt_h5_series *s);

/* Append `count` records from buf (row-major, count * record_elems elements of
   mem_type) with H5Dwrite. Return 0, or -1. */
int odt_h5_series_append(struct odt_h5_series *s, hsize_t count, const void *buf);

/* Set the number of records (shrink after a crash, or grow: new records read
   as the fill value, 0). Return 0, or -1. */
int odt_h5_series_set_records(struct odt_h5_series *s, hsize_t records);

/* Read records [first, first + count) into buf (mem_type). Return 0, or -1
   (including a range past the last record). */
int odt_h5_series_read(const struct odt_h5_series *s, hsize_t first, hsize_t count, void *buf);

/* -------------------------------------------------- parallel compression */

/* A pool of threads that shuffle and deflate the chunks of the next record of
   several series, which the calling thread writes with H5Dwrite_chunk. */
struct odt_h5_pool;

/* threads: compressing threads, >= 1, the caller's included (1: no extra
   thread; T: T - 1 worker threads). Return the pool, or NULL (bad count, no
   memory, no thread). */
struct odt_h5_pool *odt_h5_pool_create(int threads);

/* Stop the workers and free everything; NULL is a no-op. */
void odt_h5_pool_free(struct odt_h5_pool *p);

/* Append one record to each of the `count` distinct series s[k] from bufs[k]
   (record_elems elements of s[k]->mem_type each).
   Series with direct == 1 (one record per chunk, deflate on, memory type equal
   to the stored type, filters shuffle + deflate or deflate alone) are extended
   with H5Dset_extent, their chunks shuffled (an edge chunk padded with zeros,
   the fill value, to the full chunk, as HDF5 does) and deflated with zlib's
   compress2 at the series' level on the pool's threads, the caller's thread
   included, and written in order by the caller with H5Dwrite_chunk, filter
   mask 0. A chunk that deflate makes larger is still stored deflated, as
   HDF5's own filter does (its output buffer always fits the zlib bound). The
   file reads the same as with odt_h5_series_append, with any HDF5 reader and
   the standard filters (the chunk bytes are even the same). The other series
   go through odt_h5_series_append on the caller's thread.
   Buffers are kept between calls: no allocation once the largest record has
   been seen. On failure every series is set back to its record count before
   the call (best effort). Return 0, or -1. */
int odt_h5_pool_append(struct odt_h5_pool *p, struct odt_h5_series *const *s, const void *const *bufs, int count);

/* Totals since the pool was created (any pointer may be NULL): bytes_in, raw
   bytes of the records appended (all series); bytes_out, bytes stored for them
   (compressed chunk sizes, raw size for the uncompressed series); compress_s,
   seconds of shuffle + deflate summed over the threads; write_s, seconds of
   the caller in HDF5 (extents, H5Dwrite_chunk and H5Dwrite). */
void odt_h5_pool_stats(const struct odt_h5_pool *p, double *bytes_in, double *bytes_out, double *compress_s,
                       double *write_s);

/* ------------------------------------------------------------------ tables */

/* One column of a table: its value for row q is the C object of type `type`
   at (const char *)rows + q * stride + offset. */
struct odt_h5_column {
    const char *name;      /* dataset name in the table's group */
    hid_t type;            /* H5T_NATIVE_INT32, H5T_NATIVE_INT64, H5T_NATIVE_FLOAT, H5T_NATIVE_DOUBLE, ... */
    size_t offset;         /* byte offset in the row struct (offsetof) */
    const char *units;     /* CF units, NULL for none */
    const char *long_name; /* CF long_name, NULL for none */
};

/* A table: a group holding the row index `index_name` (int64 0, 1, ..., a
   dimension scale named index_name) and one 1-D series per column, attached
   to it, so that ncdump and xarray see one dimension of that name. */
struct odt_h5_table {
    hid_t g;                     /* the group */
    struct odt_h5_series index;  /* the row index */
    struct odt_h5_series *col;   /* ncols columns */
    size_t *offset;              /* column byte offsets in a row struct */
    int ncols;
    hsize_t rows;                /* rows in every column */
    void *scratch;               /* one gathered column */
    size_t scratch_bytes;
};

/* Create group `group` under loc with the index and the columns. deflate is
   handed to the columns' series, which are 1-D and so stored uncompressed
   (see odt_h5_series_create). Return 0, or -1 (nothing left open). */
int odt_h5_table_create(struct odt_h5_table *t, hid_t loc, const char *group, const char *index_name,
                        const struct odt_h5_column *cols, int ncols, int deflate);

/* Open an existing table for appending; cols name the columns and give their
   memory types and offsets. rows = the shortest of the index and the columns
   (a kill may have cut an append short); the next append first cuts the others
   to it. Return 0, or -1. */
int odt_h5_table_open(struct odt_h5_table *t, hid_t loc, const char *group, const char *index_name,
                      const struct odt_h5_column *cols, int ncols);

/* Append nrows rows from an array of structs of `stride` bytes; the index
   column gets rows, rows + 1, ... It is written last, so its length counts
   the complete rows. Return 0, or -1. */
int odt_h5_table_append(struct odt_h5_table *t, const void *rows, size_t stride, size_t nrows);

/* Set the number of rows of every column and the index. Return 0, or -1. */
int odt_h5_table_set_rows(struct odt_h5_table *t, hsize_t rows);

/* Rows of the table. */
hsize_t odt_h5_table_rows(const struct odt_h5_table *t);

/* Close everything; safe on a closed or zeroed table. */
void odt_h5_table_close(struct odt_h5_table *t);

/* ---------------------------------------------------------- string scales */

/* A dimension scale of labels (e.g. node = "array", "radiator", "payload",
   "bus"), so that xarray's ds.sel(node="payload") works: 1-D dataset [n] of
   variable-length UTF-8 strings, H5DSset_scale(name), attribute long_name when
   not NULL. Variable-length, not fixed-length: xarray's h5netcdf engine reads
   fixed-length strings as bytes, which sel("payload") does not match (netCDF4
   reads both; ncdump shows `string node(node)`). Return the open dataset (the
   caller closes it, after attaching it to its datasets), or H5I_INVALID_HID. */
hid_t odt_h5_scale_strings(hid_t loc, const char *name, const char *const *labels, int n, const char *long_name);

/* ------------------------------------------------------ reading snapshots */

/* 1 when every component of `path` ("a/b/c", relative to loc, at most 255
   bytes) exists, else 0: H5Lexists alone fails when a group above is missing. */
int odt_h5_link_exists(hid_t loc, const char *path);

/* Text of string attribute `name` of object `obj` under loc (NULL or ".": loc
   itself), of any length, fixed or variable (odt_h5_attr_get_string):
   malloc'd (the caller frees it); NULL when the object or the attribute is
   absent or not one string. */
char *odt_h5_attr_text(hid_t loc, const char *obj, const char *name);

/* Static datasets (/fleet, /classes, /final, /satellite: written once,
   contiguous; odt_h5_series_open reads only chunked series). Rank (1..3) of
   `name` with its shape in dims, or -1 when it is absent, unreadable or of
   another rank. */
int odt_h5_static_shape(hid_t loc, const char *name, hsize_t dims[3]);

/* Read the whole static dataset `name` into buf (count elements of memtype)
   when it holds count elements in all (its rank 1..3). Return 0, or -1
   (absent, unreadable, another number of elements). */
int odt_h5_static_read(hid_t loc, const char *name, hid_t memtype, hsize_t count, void *buf);

/* Metadata read attempts of a SWMR reader. HDF5 retries a checksum failure
   with a sleep that doubles from 1 ns (100 attempts by default: on a damaged
   file, a lookup then sleeps for hours). 24 attempts sleep at most 2^24 ns =
   17 ms per entry in all: enough for a torn read of metadata the writer is
   flushing, and a damaged file is refused in well under a second. */
#define ODT_H5_SWMR_READ_ATTEMPTS 24

/* H5Fopen(path, H5F_ACC_RDONLY | H5F_ACC_SWMR_READ) with
   ODT_H5_SWMR_READ_ATTEMPTS: the file, or a negative id. */
hid_t odt_h5_open_swmr_read(const char *path);

/* Open the snapshot at path read-only: first refused without HDF5 when it is
   missing, a folder, not a regular file (a FIFO would block the open, a
   device never ends), unreadable, empty or without the HDF5 signature; then
   opened, as a SWMR reader when a run still writes it. Return the file (the
   caller closes it), or H5I_INVALID_HID with why set to one line (without the
   path) saying which. */
hid_t odt_h5_snapshot_open(const char *path, char *why, size_t len);

/* 0 when the file's root attribute odtwin_schema_version is a schema 2.x;
   -1 with why set (not an odtwin snapshot, or another schema). */
int odt_h5_snapshot_schema(hid_t file, char *why, size_t len);

/* Complete records of a snapshot (docs/snapshot.md: a record is complete once
   /time holds it, and after a kill the last one counts only if all of it
   reads back): the shortest of /time and the record datasets at the root
   that the file holds (the bookkeeping: sun_direction, earth_rotation_angle,
   demand_tokens, eclipse_rows, failure_rows, series_rows; every state and
   output field of kernels/fleet.h), less the last records whose /time is not
   finite or that do not read back in every one of them. Return 0 with
   *records set, or -1 with why set (/time missing, a record dataset not a
   readable series, no memory). */
int odt_h5_snapshot_records(hid_t file, hsize_t *records, char *why, size_t len);

#endif /* ODT_H5IO_H */
