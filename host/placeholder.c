#include "orbit/odt_defs.h"
int odt_host_placeholder(void);
int odt_host_placeholder(void) { return 0; }
