"""`blueprint serve`: a local page that redraws a service file's diagrams whenever it is saved."""
