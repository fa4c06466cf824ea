from django.urls import include, path

urlpatterns = [path("polls/", include("bench.django_tutorial.polls.urls"))]
