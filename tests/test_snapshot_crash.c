/*
 * test_snapshot_crash.c: the snapshot file survives interruption and SIGKILL,
 * can be read while the run writes it, and --resume ends with the same file as
 * an uninterrupted run (bitwise: every dataset of the two files compared byte
 * for byte).
 */
#define _POSIX_C_SOURCE 200809L /* mkdtemp, kill, nanosleep */
#include <criterion/criterion.h>

#include "test_util.h"
#include <hdf5.h>
#include <hdf5_hl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "host/run.h"
#include "host/snapshot.h"

static char dir[256];

static void make_dir(void)
{
    odt_test_mkdtemp(dir, sizeof dir, "crash");
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
}

static void remove_dir(void) { odt_test_rmtree(dir); }

/* Compare every dataset of b with the one of the same path in a, byte for byte. */
struct cmp_ctx {
    hid_t other;
    int compared, differ;
    char first[256];
};

static herr_t compare_one(hid_t loc, const char *name, const H5O_info_t *info, void *vctx)
{
    struct cmp_ctx *c = (struct cmp_ctx *)vctx;
    if (info->type != H5O_TYPE_DATASET)
        return 0;
    hid_t da = H5Dopen2(loc, name, H5P_DEFAULT), db = H5Dopen2(c->other, name, H5P_DEFAULT);
    int same = da >= 0 && db >= 0;
    if (same) {
        hid_t ta = H5Dget_type(da);
        hid_t sa = H5Dget_space(da), sb = H5Dget_space(db);
        const hssize_t ea = H5Sget_simple_extent_npoints(sa), eb = H5Sget_simple_extent_npoints(sb);
        const size_t sz = H5Tget_size(ta);
        same = ea == eb;
        if (same && ea > 0 && H5Tis_variable_str(ta) > 0) {
            /* variable-length strings (the node and xyz labels): compare the texts */
            char **sa_ = calloc((size_t)ea, sizeof *sa_), **sb_ = calloc((size_t)eb, sizeof *sb_);
            hid_t mt = H5Tget_native_type(ta, H5T_DIR_DEFAULT);
            same = sa_ && sb_ && H5Dread(da, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, sa_) >= 0 &&
                   H5Dread(db, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, sb_) >= 0;
            for (hssize_t q = 0; same && q < ea; ++q)
                same = sa_[q] && sb_[q] && strcmp(sa_[q], sb_[q]) == 0;
            if (sa_ && sb_) {
                H5Dvlen_reclaim(mt, sa, H5P_DEFAULT, sa_);
                H5Dvlen_reclaim(mt, sb, H5P_DEFAULT, sb_);
            }
            free(sa_);
            free(sb_);
            H5Tclose(mt);
        } else if (same && ea > 0) {
            hid_t mt = H5Tget_native_type(ta, H5T_DIR_DEFAULT);
            unsigned char *ba = malloc((size_t)ea * sz), *bb = malloc((size_t)eb * sz);
            same = ba && bb && H5Dread(da, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, ba) >= 0 &&
                   H5Dread(db, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, bb) >= 0 && memcmp(ba, bb, (size_t)ea * sz) == 0;
            free(ba);
            free(bb);
            H5Tclose(mt);
        }
        H5Sclose(sa);
        H5Sclose(sb);
        H5Tclose(ta);
    }
    if (da >= 0)
        H5Dclose(da);
    if (db >= 0)
        H5Dclose(db);
    c->compared++;
    if (!same && !c->differ++)
        snprintf(c->first, sizeof c->first, "%s", name);
    return 0;
}

static void assert_same_files(const char *a, const char *b)
{
    hid_t fa = H5Fopen(a, H5F_ACC_RDONLY, H5P_DEFAULT), fb = H5Fopen(b, H5F_ACC_RDONLY, H5P_DEFAULT);
    cr_assert(fa >= 0 && fb >= 0, "open %s and %s", a, b);
    struct cmp_ctx c = {fb, 0, 0, ""};
    H5Ovisit2(fa, H5_INDEX_NAME, H5_ITER_NATIVE, compare_one, &c, H5O_INFO_BASIC);
    cr_log_info("%d datasets compared, %d differ", c.compared, c.differ);
    cr_assert_gt(c.compared, 40);
    cr_assert_eq(c.differ, 0, "%d datasets differ, the first %s", c.differ, c.first);
    char sa[32] = "", sb[32] = "";
    H5LTget_attribute_string(fa, ".", "run_status", sa);
    H5LTget_attribute_string(fb, ".", "run_status", sb);
    cr_assert_str_eq(sa, "complete");
    cr_assert_str_eq(sb, "complete");
    H5Fclose(fa);
    H5Fclose(fb);
}

static long records(const char *path, unsigned flags)
{
    hid_t f = H5Fopen(path, flags, H5P_DEFAULT);
    if (f < 0)
        return -1;
    hid_t d = H5Dopen2(f, "time", H5P_DEFAULT);
    hid_t s = H5Dget_space(d);
    hsize_t n = 0;
    H5Sget_simple_extent_dims(s, &n, NULL);
    H5Sclose(s);
    H5Dclose(d);
    H5Fclose(f);
    return (long)n;
}

TestSuite(crash, .init = make_dir, .fini = remove_dir);

Test(crash, resume_after_interruption_equals_an_uninterrupted_run)
{
    char a[300], b[300];
    snprintf(a, sizeof a, "%s/a.h5", dir);
    snprintf(b, sizeof b, "%s/b.h5", dir);
    struct odt_run_summary sa, sb;
    odt_test_run(ODT_TEST_DATA "/scenarios/medium.yaml", a, NULL, 0, 2, &sa);
    odt_test_run(ODT_TEST_DATA "/scenarios/medium.yaml", b, NULL, 20, 2, &sb);
    cr_assert(sb.interrupted, "stopped after 20 snapshots");
    cr_assert_eq(records(b, H5F_ACC_RDONLY), 21);
    /* resume with another thread count: the result does not depend on it */
    odt_test_run(NULL, NULL, b, 0, 1, &sb);
    cr_assert(!sb.interrupted);
    cr_assert_eq(sb.snapshots, sa.snapshots);
    assert_same_files(a, b);
}

Test(crash, sigkill_leaves_a_readable_file_that_resumes_to_the_same_result)
{
    char a[300], b[300];
    snprintf(a, sizeof a, "%s/a.h5", dir);
    snprintf(b, sizeof b, "%s/b.h5", dir);
    struct odt_run_summary sa;
    odt_test_run(ODT_TEST_DATA "/scenarios/long.yaml", a, NULL, 0, 2, &sa);

    const pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0) {
        execl(ODT_BINARY, ODT_BINARY, "run", ODT_TEST_DATA "/scenarios/long.yaml", "-o", b, "--backend", "cpu",
              "--quiet", (char *)NULL);
        _exit(127);
    }
    /* read the file while the run writes it (SWMR), then kill the run part-way */
    long seen = -1;
    for (int tries = 0; tries < 2000 && seen < 5; ++tries) {
        struct timespec ts = {0, 5000000};
        nanosleep(&ts, NULL);
        seen = records(b, H5F_ACC_RDONLY | H5F_ACC_SWMR_READ);
    }
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    cr_assert(seen >= 5, "the file was readable while being written (%ld records seen)", seen);
    cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "the run was killed before it ended");

    /* a killed file opens for reading (SWMR read) with every record completed before the kill: all but the
       last one `time` shows (the kill may have hit that one's flush) */
    const long shown = records(b, H5F_ACC_RDONLY | H5F_ACC_SWMR_READ);
    cr_assert_geq(shown, seen, "records after the kill %ld >= seen while running %ld", shown, seen);
    const long kept = shown - 1;
    hid_t f = H5Fopen(b, H5F_ACC_RDONLY | H5F_ACC_SWMR_READ, H5P_DEFAULT);
    hid_t d = H5Dopen2(f, "battery_energy", H5P_DEFAULT);
    hid_t s = H5Dget_space(d);
    hsize_t dims[2];
    H5Sget_simple_extent_dims(s, dims, NULL);
    cr_assert_geq((long)dims[0], kept, "every series holds the complete records");
    double *v = malloc(sizeof(double) * dims[1]);
    hsize_t start[2] = {(hsize_t)kept - 1, 0}, count[2] = {1, dims[1]};
    H5Sselect_hyperslab(s, H5S_SELECT_SET, start, NULL, count, NULL);
    hid_t m = H5Screate_simple(2, count, NULL);
    cr_assert_geq(H5Dread(d, H5T_NATIVE_DOUBLE, m, s, H5P_DEFAULT, v), 0);
    for (hsize_t i = 0; i < dims[1]; ++i)
        cr_assert(isfinite(v[i]) && v[i] > 0.0, "battery_energy[%ld][%llu] = %g", kept - 1, (unsigned long long)i,
                  v[i]);
    free(v);
    H5Sclose(m);
    H5Sclose(s);
    H5Dclose(d);
    H5Fclose(f);

    /* repair makes it an ordinary file; resume ends with the uninterrupted result */
    long repaired = 0;
    char err[1024];
    cr_assert_eq(odt_snapshot_repair(b, &repaired, err, sizeof err), ODT_OK, "%s", err);
    cr_assert(repaired == kept || repaired == shown, "repair kept %ld of %ld records", repaired, shown);
    cr_assert_eq(records(b, H5F_ACC_RDONLY), repaired, "an ordinary read-only open works after repair");
    struct odt_run_summary sb;
    odt_test_run(NULL, NULL, b, 0, 2, &sb);
    assert_same_files(a, b);
}

Test(crash, resume_refuses_a_complete_run_and_foreign_files)
{
    char a[300], bad[300];
    snprintf(a, sizeof a, "%s/a.h5", dir);
    snprintf(bad, sizeof bad, "%s/not.h5", dir);
    struct odt_run_summary s;
    odt_test_run(ODT_TEST_DATA "/scenarios/small.yaml", a, NULL, 0, 1, &s);
    struct odt_run_options opt;
    memset(&opt, 0, sizeof opt);
    opt.resume_path = a;
    opt.backend = "cpu";
    opt.quiet = 1;
    char err[1024] = "";
    cr_assert_neq(odt_run(&opt, &s, err, sizeof err), ODT_OK);
    cr_assert(strstr(err, "complete") != NULL, "%s", err);
    FILE *fp = fopen(bad, "w");
    fputs("not hdf5\n", fp);
    fclose(fp);
    opt.resume_path = bad;
    cr_assert_neq(odt_run(&opt, &s, err, sizeof err), ODT_OK);
    cr_assert(strstr(err, bad) != NULL && strstr(err, "HDF5") != NULL, "%s", err);
}
