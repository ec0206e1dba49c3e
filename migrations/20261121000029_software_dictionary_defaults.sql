-- The dictionary's first rules: the commonest publishers' products under one
-- name each, whatever the language, edition or architecture in the name the
-- agent reports. The park manager edits them like any other rule.
insert into software_dictionary (position, name_pattern, publisher_pattern, set_name, set_publisher, set_version, set_category) values
    (10,  '^Mozilla Firefox(?: ESR)?\s+(\d+(?:\.\d+)*)', '', 'Firefox', 'Mozilla', '$1', 'Web browser'),
    (20,  '^Mozilla Thunderbird\s+(\d+(?:\.\d+)*)', '', 'Thunderbird', 'Mozilla', '$1', 'Mail'),
    (30,  '^Google Chrome$', '', 'Chrome', 'Google', '', 'Web browser'),
    (40,  '^Microsoft Edge$', '', 'Edge', 'Microsoft', '', 'Web browser'),
    (50,  '^Adobe Acrobat Reader(?: DC)?\b', '', 'Acrobat Reader', 'Adobe', '', 'PDF'),
    (60,  '^7-Zip\s+(\d+(?:\.\d+)*)', '', '7-Zip', 'Igor Pavlov', '$1', 'Utilities'),
    (70,  '^VLC media player\b', '', 'VLC media player', 'VideoLAN', '', 'Multimedia'),
    (80,  '^LibreOffice\s+(\d+(?:\.\d+)*)', '', 'LibreOffice', 'The Document Foundation', '$1', 'Office'),
    (90,  '^Microsoft 365 Apps\b', '', 'Microsoft 365 Apps', 'Microsoft', '', 'Office'),
    (100, '^Microsoft Office (Professional Plus|Standard|Home and Business) (\d{4})\b', '', 'Microsoft Office $1 $2', 'Microsoft', '', 'Office'),
    (110, '^Microsoft Teams\b', '', 'Microsoft Teams', 'Microsoft', '', 'Communication'),
    (120, '^Zoom(?: Workplace)?$', '', 'Zoom', 'Zoom Video Communications', '', 'Communication'),
    (130, '^Notepad\+\+', '', 'Notepad++', 'Notepad++ Team', '', 'Utilities'),
    (140, '^TeamViewer(?:\s+\d+)?$', '', 'TeamViewer', 'TeamViewer', '', 'Remote access'),
    (150, '^Java(?:\(TM\))? (\d+) Update (\d+)', '', 'Java $1', 'Oracle', '$1.0.$2', 'Runtime');
