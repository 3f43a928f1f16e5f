"""Leaders' analysis: winback pages (issue 15). Filled in by its owner."""
urlpatterns = []
