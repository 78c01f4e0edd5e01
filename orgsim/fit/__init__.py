"""Fitting the model to an organisation's own anonymised HR data (``orgsim fit``).

One module per job, each importable on its own:

- ``workbook``: the HR workbook's template, reading (an .xlsx file or a folder of CSV files)
  and validation (pandera), with errors naming the sheet, row and column;
- ``organisation``: the organisation the headcount table describes (the chart, not fitted);
- ``statistics``: the summary statistics of the data and of a simulation, defined once;
- ``priors``: the parameters that can be fitted and their priors, with sources;
- ``sampler``: a pyabc sampler whose results do not depend on the number of workers;
- ``abc``: the ABC-SMC fit (pyabc) with its budgets and stop rules;
- ``diagnostics``: posterior against prior, observed against simulated, the fit check;
- ``output``: scenario.yaml, posterior.parquet, fit.parquet and fit.json;
- ``posterior``: replication r's draw from a posterior (``run.parameters_from``);
- ``report``: fit.html.

Nothing here sends data anywhere: simulations run on local processes (or a Dask cluster the
analyst names), and the outputs hold counts and rates, never individual rows.
"""
