"""Reports over the store: the overstay report (DHS method); the departure report is next."""
