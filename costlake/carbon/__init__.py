"""Carbon: CCF estimates of energy and emissions per line item, and provider-reported data.

``enricher.CarbonEnricher`` fills the ``x_EnergyKwh``/``x_CarbonKgCO2e``/``x_EmbodiedKgCO2e``/
``x_CarbonSource`` columns at ingest; ``service.emissions_by_account`` answers "how much did
each account emit", preferring provider-reported data (AWS CCFT, GCP Carbon Footprint) over
estimates month by month. The method is documented in ``docs/carbon.md``.
"""
