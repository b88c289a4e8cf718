"""careportal: YAML records of schools' care work for left-behind children → static MkDocs sites.

One sub-package per concern, imports in one direction only:
records ← privacy ← site ← county ← cli (with the shared leaves problems, ids and theme).
"""

__version__ = "0.1.0"
