# Swap the staged graph onto the target named graph in one update (inside the server's transaction).
MOVE GRAPH ?staging TO GRAPH ?target
