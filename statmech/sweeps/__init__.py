r"""Parameter sweeps on Dask distributed, with results in an xarray Dataset.

``statmech sweep VERB MODEL NAME=START:STOP:COUNT ... --seeds K`` runs one task per
parameter point and seed; each task is the verb's own command line at that point
(``statmech simulate MODEL L=8 T=2.1 --seed S --json``), so a point of a sweep is
bit for bit the point run alone.

=====================  ==========================================
module                 what
=====================  ==========================================
:mod:`.spec`           the points, each point's seed and command line, the identity
:mod:`.task`           what a worker runs for one point
:mod:`.store`          the Dataset, kept in memory and mirrored to Zarr (or netCDF)
:mod:`.runner`         the Dask client: submission, retries, SIGTERM, progress
:mod:`.plot`           observables against the first swept parameter
=====================  ==========================================

Importing this package loads neither Dask nor xarray; :mod:`.runner` and
:mod:`.store` import them when a sweep starts.
"""
