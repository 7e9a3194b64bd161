"""The unit librarian's import and export (``/kelola/impor-ekspor/``), label sheets and the staff API.

These modules are the library site's pages and tasks: like ``portal`` they sit above ``harvest`` (whose file
readers and run records the import uses) and call the catalogue's writers; ``catalog``'s own models,
services and selectors never import them.
"""
