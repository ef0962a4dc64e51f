// Data sets
