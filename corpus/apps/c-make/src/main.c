/* stats: mean, standard deviation and median of numbers on stdin.
 * SELFTEST=1 uses a built-in sample instead and prints one line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "stats.h"

int main(void) {
    static double buf[100000];
    size_t n = 0;
    const char *st = getenv("SELFTEST");
    int selftest = st && strcmp(st, "1") == 0;
    if (selftest) {
        const double sample[] = {2, 4, 4, 4, 5, 5, 7, 9};
        n = sizeof sample / sizeof *sample;
        memcpy(buf, sample, sizeof sample);
    } else {
        while (n < sizeof buf / sizeof *buf && scanf("%lf", &buf[n]) == 1) n++;
    }
    double m = mean(buf, n), sd = stddev(buf, n), med = median(buf, n);
    printf("%s n=%zu mean=%.3f sd=%.3f median=%.3f\n",
           selftest ? "stats selftest:" : "stats:", n, m, sd, med);
    return 0;
}
