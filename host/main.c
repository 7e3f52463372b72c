#include <stdio.h>
int main(void) { puts("odtwin: under construction"); return 0; }
