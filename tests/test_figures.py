"""Figures become ranges with what they count; dates and years are not figures."""

from monitor.figures import extract


def only(text: str):
    figs = extract(text)
    assert len(figs) == 1, [f.describe() for f in figs]
    return figs[0]


def test_about_is_a_range_around_the_value():
    # narrow enough that "some 11,000" is a new estimate, not "about 10,000" again
    f = only("About 10,000 North Korean troops are in Russia.")
    assert (f.low, f.high, f.unit) == (9500, 10500, "troop")


def test_more_than_is_open_upwards():
    f = only("More than 3,000 soldiers were sent.")
    assert f.low == 3000 and f.high > 3000


def test_up_to_is_open_downwards():
    f = only("Up to 12,000 troops could be deployed.")
    assert f.high == 12000 and f.low < 12000


def test_tens_of_thousands_is_a_vague_range():
    f = only("Reports say tens of thousands of North Korean personnel are in Russia.")
    assert (f.low, f.high, f.unit) == (20_000, 99_999, "troop")


def test_spelled_out_percentages_are_figures():
    f = only("Seventy-one percent of South Koreans oppose sending weapons to Ukraine.")
    assert (f.value, f.unit, f.roles) == (71, "percent", ["oppose"])


def test_tripled_to_marks_a_revised_figure():
    f = only("The Pentagon more than tripled its estimate of the number of North Korean soldiers in Russia to 10,000.")
    assert f.change and f.unit == "troop"


def test_additional_marks_an_increment_not_a_total():
    figs = extract("North Korea sent 3,000 additional soldiers, on top of the 11,000 troops it sent last year.")
    assert [(f.value, f.delta) for f in figs] == [(3000, True), (11000, False)]


def test_what_happened_to_the_counted_thing_is_kept():
    f = only("At least 100 North Korean soldiers have been killed.")
    assert f.roles == ["killed"]


def test_record_counts_are_marked():
    assert only("A record-breaking 188 drones were launched by Russia.").superlative


def test_years_and_dates_are_not_figures():
    assert extract("The summit took place in Singapore in 2018, and on June 19, 2024 in Pyongyang.") == []
    assert extract("The Kremlin complied with a 1988 ballistic missile agreement.") == []


def test_a_count_that_looks_like_a_year_is_still_a_count():
    assert only("Russia sent 2000 troops to the border.").value == 2000


def test_whose_people_are_counted_is_read_from_the_noun_phrase():
    from monitor import claims

    (c,) = claims.extract("A group of about 18 mostly South African men went to Russia as recruits.")
    assert c.figures[0].owner == "South Africa"


def test_between_two_numbers_is_one_figure_spanning_them():
    f = only("Seoul now puts the force at between fourteen and fifteen thousand troops.")
    assert (f.low, f.high, f.unit) == (14_000, 15_000, "troop")


def test_two_modifiers_joined_by_and_count_the_noun_after_them():
    f = only("Moscow sent 267 attack and decoy drones overnight.")
    assert (f.value, f.unit) == (267, "drone")


def test_the_most_in_a_single_attack_is_a_record():
    f = only("Russia launched 267 drones, the most it has launched in a single attack since the war began.")
    assert f.superlative


def test_per_cent_written_in_two_words_keeps_what_the_share_says():
    f = extract("Asked about arming Ukraine, 71.4 per cent of respondents said they were opposed.")[0]
    assert (f.value, f.unit, f.roles) == (71.4, "percent", ["oppose"])


def test_a_fate_told_after_a_hedged_passive_still_belongs_to_the_count():
    f = only("About 2,000 North Korean soldiers are believed to have been killed fighting for Russia.")
    assert f.roles == ["killed"]


def test_a_model_name_with_a_number_is_not_a_count():
    assert extract("Russia was preparing to deliver MiG-29 jets to North Korea.") == []


def test_a_model_name_between_number_and_noun_is_skipped():
    assert only("Russia fired 40 KN-23 missiles at Kyiv.").unit == "missile"


def test_a_modifier_noun_before_a_plural_is_not_what_is_counted():
    assert only("Russia will deliver 29 fighter jets to North Korea.").unit == "jet"
    assert only("The Pentagon will close 100 military bases.").unit == "base"


def test_more_of_a_thing_than_on_any_other_night_is_a_record():
    assert only("Russia sent 810 drones, more drones than on any other night of the war.").superlative


def test_people_recruited_to_fight_are_counted_as_troops():
    assert only("Russia has recruited potentially hundreds of Yemeni nationals to assist in its war.").unit == "troop"
    assert only("About 500 civilians were evacuated from Kursk.").unit == "person"


def test_the_value_a_new_one_replaces_is_marked_former():
    new, old = extract("The number of North Korean troops in Russia has risen to 12,000 from 10,000.")
    assert (new.former, old.former) == (False, True)
    assert not any(f.former for f in extract("Estimates range from 10,000 to 12,000 troops."))


def test_rather_than_gives_the_first_figure_the_second_ones_noun():
    first, second = extract("The review puts the force at about 7,000 rather than 10,000 troops.")
    assert (first.unit, second.former) == ("troop", True)


def test_a_modifier_before_a_plural_of_the_same_measure_still_counts_it():
    assert only("North Korea sent 15,000 military recruits to Russia.").unit == "troop"


def test_drafting_a_plan_enlists_nobody():
    assert only("Kyiv drafted a plan covering 50,000 residents.").unit == "person"


def test_a_number_spelled_out_with_hundred_and_is_one_figure():
    f = only("Russia launched two hundred and sixty-seven drones overnight.")
    assert (f.value, f.unit) == (267, "drone")


def test_a_spelled_number_reads_on_past_its_thousands():
    assert only("They sent fifteen thousand two hundred troops.").value == 15_200


def test_a_duration_before_an_event_counts_the_time_not_the_event():
    assert only("The warning came fifteen minutes before launch.").unit == "minute"


def test_an_acronym_in_the_plural_is_counted_as_its_thing():
    assert only("Russia launched 810 strike UAVs overnight.").unit == "drone"


def test_a_figure_given_as_the_earlier_estimate_is_former():
    old = extract("At least 1,200 men were recruited, a far larger figure than earlier estimates of "
                  "several hundred.")[1]
    assert old.former


def test_two_spelled_numbers_joined_by_and_are_a_range_not_a_sum():
    f = only("Between nine thousand and eleven thousand troops have been sent.")
    assert (f.low, f.high) == (9_000, 11_000)


def test_a_spelled_number_reads_on_through_two_scale_words():
    assert only("Two hundred thousand troops were mobilised.").value == 200_000
    assert only("One million two hundred thousand people fled.").value == 1_200_000


def test_a_hyphenated_word_after_a_spelled_number_is_not_part_of_it():
    assert only("Russia launched ten thousand one-way attack drones.").value == 10_000


def test_an_acronym_with_an_apostrophe_s_is_still_its_thing():
    assert only("Russia launched 50 UAV's overnight.").unit == "drone"


def test_a_span_written_with_to_is_one_figure():
    f = only("Officials now estimate that roughly 11,000 to 12,000 North Korean soldiers are in Russia.")
    assert (f.low, f.high, f.unit) == (11_000, 12_000, "troop")


def test_a_rise_from_one_number_to_another_is_not_a_span():
    assert len(extract("The count rose from 10,000 to 12,000 troops.")) == 2


def test_the_old_value_after_up_from_with_a_qualifier_is_former():
    old = extract("About 12,000 troops are in Russia, up from the figure of about 10,000 cited earlier.")[-1]
    assert old.former


def test_the_share_a_drop_is_measured_from_is_former():
    old = extract("Sixty-four percent oppose sending weapons, a marked drop from the 82 percent who opposed "
                  "the idea in November.")[-1]
    assert old.value == 82 and old.former


def test_the_estimate_being_raised_is_former():
    old = extract("The total could be closer to 12,000, the Pentagon said, raising the estimate of about 10,000 "
                  "it gave a week ago.")[-1]
    assert old.value == 10_000 and old.former


def test_unmanned_aircraft_are_drones():
    assert only("Russia sent 267 unmanned aircraft across the border.").unit == "drone"
