"""Vertskap: a newcomer assistant for Midt-Troms."""
