#include "orbit/odt_defs.h"
int odt_backend_cpu_placeholder(void);
int odt_backend_cpu_placeholder(void) { return 0; }
