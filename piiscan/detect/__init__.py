"""Detection: text -> Finding records, built from the recognizers described in rules/."""
