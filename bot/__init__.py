"""casebot: cases of political prisoners, why they are political prisoners, and their release."""
