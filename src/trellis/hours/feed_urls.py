from django.urls import path

from trellis.hours import feed_views

app_name = "feeds"
urlpatterns = [
    path("", feed_views.feed_index, name="index"),
    path("student/", feed_views.student_feed, name="student"),
    path("mentor/<int:pk>/", feed_views.mentor_feed, name="mentor"),
    path("opportunity/<int:pk>/", feed_views.opportunity_feed, name="opportunity"),
    path("<str:token>.ics", feed_views.feed_calendar, name="calendar"),
]
