# Swap the staged graph onto the default graph in one update (inside the server's transaction).
MOVE GRAPH ?staging TO DEFAULT
