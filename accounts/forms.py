"""Sign-up asks for an email as well, so organizers can reach prize winners."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm, UsernameField


class SignUpForm(UserCreationForm):
    email = forms.EmailField(label="Email", help_text="Used to reach you about prizes; never shown.")

    class Meta:
        model = get_user_model()
        fields = ("username", "email")
        field_classes = {"username": UsernameField}

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"].strip()
        if get_user_model().objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("An account with this email exists already; log in instead.")
        return email
