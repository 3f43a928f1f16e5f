from scorecards.text import fold


class FoldedSearchMixin:
    """Admin search without diacritics ("tu phap" finds "Sở Tư pháp") on any database.

    The model keeps a folded copy of its searchable text in `search_text`.
    """

    search_fields = ("search_text",)
    folded_search_field = "search_text"  # e.g. "criterion__search_text" for a score

    def get_search_results(self, request, queryset, search_term):
        if not search_term:
            return queryset, False
        for word in fold(search_term).split():
            queryset = queryset.filter(**{f"{self.folded_search_field}__contains": word})
        return queryset, False
