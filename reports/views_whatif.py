"""Leaders' analysis: whatif pages (issue 15). Filled in by its owner."""
urlpatterns = []
