#include <math.h>
#include <stdlib.h>
#include "stats.h"

double mean(const double *x, size_t n) {
    double s = 0;
    for (size_t i = 0; i < n; i++) s += x[i];
    return n ? s / n : 0;
}

double stddev(const double *x, size_t n) {
    double m = mean(x, n), s = 0;
    for (size_t i = 0; i < n; i++) s += (x[i] - m) * (x[i] - m);
    return n ? sqrt(s / n) : 0;
}

static int cmp(const void *a, const void *b) {
    double d = *(const double *)a - *(const double *)b;
    return (d > 0) - (d < 0);
}

double median(double *x, size_t n) {
    if (!n) return 0;
    qsort(x, n, sizeof *x, cmp);
    return n % 2 ? x[n / 2] : (x[n / 2 - 1] + x[n / 2]) / 2;
}
