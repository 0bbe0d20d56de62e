// Placeholder so the target builds before its issue lands.
enum NeuronsPlaceholder {}
