from scorecards.text import fold


class FoldedSearchMixin:
    """Admin search without diacritics ("tu phap" finds "Sở Tư pháp") on any database.

    The model keeps a folded copy of its searchable text in `search_text`.
    """

    search_fields = ("search_text",)

    def get_search_results(self, request, queryset, search_term):
        if not search_term:
            return queryset, False
        for word in fold(search_term).split():
            queryset = queryset.filter(search_text__contains=word)
        return queryset, False
