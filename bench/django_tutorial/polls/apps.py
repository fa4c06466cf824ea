from django.apps import AppConfig


class PollsConfig(AppConfig):
    name = "bench.django_tutorial.polls"
    label = "polls"
