"""The embedded store: generations, the lock, the project, the answer cache."""
