#ifndef STATS_H
#define STATS_H
#include <stddef.h>

double mean(const double *x, size_t n);
double stddev(const double *x, size_t n);   /* population standard deviation */
double median(double *x, size_t n);          /* sorts x in place */

#endif
