# nothing but comments
# BuildKit refuses this file (no instructions); the tree keeps it
