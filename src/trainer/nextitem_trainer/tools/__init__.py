"""Commands around the model: benches and plots, demo and test assets, result reports and tables, data preparation."""
