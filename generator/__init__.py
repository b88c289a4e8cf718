"""careportal: YAML records of schools' care work for left-behind children → static MkDocs sites.

The pipeline, one module per stage: load → check → render → build → publish (see pipeline.py).
"""

__version__ = "0.1.0"
