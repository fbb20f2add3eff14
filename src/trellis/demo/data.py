"""Fixed word lists for the demo district: names, partners, roles, and the texts people write.

Everything here is fictional; e-mail addresses use the reserved example.* domains.
"""

# Data tables: one row per line reads better than the formatter's one value per line.
# fmt: off

FEMALE_FIRST = [
    "Olivia", "Emma", "Ava", "Sophia", "Isabella", "Mia", "Amelia", "Harper", "Evelyn", "Abigail",
    "Emily", "Ella", "Elizabeth", "Camila", "Luna", "Sofia", "Avery", "Mila", "Aria", "Scarlett",
    "Penelope", "Layla", "Chloe", "Victoria", "Madison", "Eleanor", "Grace", "Nora", "Riley",
    "Zoey", "Hannah", "Hazel", "Lily", "Ellie", "Violet", "Lillian", "Zoe", "Stella", "Aurora",
    "Natalie", "Emilia", "Everly", "Leah", "Aubrey", "Willow", "Addison", "Lucy", "Audrey", "Bella",
    "Nevaeh", "Jasmine", "Maya", "Valentina", "Naomi", "Ximena", "Aaliyah", "Imani", "Priya", "Mei",
    "Fatima", "Amara", "Keisha", "Lucia", "Daniela", "Gabriela", "Nadia", "Yara", "Ananya", "Hana",
    "Jade", "Kiara", "Destiny", "Tiana", "Mariana", "Esperanza", "Linh", "Sana",
]

MALE_FIRST = [
    "Liam", "Noah", "Oliver", "Elijah", "James", "William", "Benjamin", "Lucas", "Henry",
    "Theodore", "Jack", "Levi", "Alexander", "Jackson", "Mateo", "Daniel", "Michael", "Mason",
    "Sebastian", "Ethan", "Logan", "Owen", "Samuel", "Jacob", "Asher", "Aiden", "John", "Joseph",
    "Wyatt", "David", "Leo", "Luke", "Julian", "Hudson", "Grayson", "Matthew", "Ezra", "Gabriel",
    "Carter", "Isaac", "Jayden", "Luca", "Anthony", "Dylan", "Lincoln", "Thomas", "Maverick",
    "Elias", "Josiah", "Charles", "Caleb", "Christopher", "Ezekiel", "Miles", "Jaxon", "Isaiah",
    "Andrew", "Joshua", "Nathan", "Nolan", "Adrian", "Cameron", "Santiago", "Diego", "Malik",
    "Jamal", "Darius", "Arjun", "Rohan", "Kenji", "Minh", "Omar", "Tariq", "Mohammed", "Andre",
    "Javier", "Carlos", "Marcus", "Terrell", "Xavier", "Hiroshi",
]

NEUTRAL_FIRST = [
    "Alex", "Jordan", "Taylor", "Morgan", "Casey", "Riley", "Quinn", "Avery", "Rowan", "Sage",
    "River", "Skyler", "Emerson", "Finley", "Reese", "Parker", "Hayden", "Charlie", "Jamie", "Kai",
]

LAST_NAMES = [
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
    "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore",
    "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark",
    "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres",
    "Nguyen", "Hill", "Flores", "Green", "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell",
    "Mitchell", "Carter", "Roberts", "Gomez", "Phillips", "Evans", "Turner", "Diaz", "Parker",
    "Cruz", "Edwards", "Collins", "Reyes", "Stewart", "Morris", "Morales", "Murphy", "Cook",
    "Rogers", "Gutierrez", "Ortiz", "Morgan", "Cooper", "Peterson", "Bailey", "Reed", "Kelly",
    "Howard", "Ramos", "Kim", "Cox", "Ward", "Richardson", "Watson", "Brooks", "Chavez", "Wood",
    "James", "Bennett", "Gray", "Mendoza", "Ruiz", "Hughes", "Price", "Alvarez", "Castillo",
    "Sanders", "Patel", "Myers", "Long", "Ross", "Foster", "Jimenez", "Powell", "Jenkins", "Perry",
    "Russell", "Sullivan", "Bell", "Coleman", "Butler", "Henderson", "Barnes", "Gonzales", "Fisher",
    "Vasquez", "Simmons", "Romero", "Jordan", "Patterson", "Alexander", "Hamilton", "Graham",
    "Reynolds", "Griffin", "Wallace", "Moreno", "West", "Cole", "Hayes", "Bryant", "Herrera",
    "Gibson", "Ellis", "Tran", "Medina", "Aguilar", "Stevens", "Murray", "Ford", "Castro",
    "Marshall", "Owens", "Harrison", "Fernandez", "McDonald", "Woods", "Washington", "Kennedy",
    "Wells", "Vargas", "Henry", "Chen", "Freeman", "Webb", "Tucker", "Guzman", "Burns", "Crawford",
    "Olson", "Simpson", "Porter", "Hunter", "Gordon", "Mendez", "Silva", "Shaw", "Snyder", "Mason",
    "Dixon", "Munoz", "Hunt", "Hicks", "Holmes", "Palmer", "Wagner", "Black", "Robertson", "Boyd",
    "Rose", "Stone", "Salazar", "Fox", "Warren", "Mills", "Meyer", "Rice", "Schmidt", "Garza",
    "Daniels", "Ferguson", "Nichols", "Stephens", "Soto", "Weaver", "Ryan", "Gardner", "Payne",
    "Grant", "Dunn", "Kelley", "Spencer", "Hawkins", "Arnold", "Pierce", "Vazquez", "Hansen",
    "Peters", "Santos", "Hart", "Bradley", "Knight", "Elliott", "Cunningham", "Duncan", "Armstrong",
    "Hudson", "Carroll", "Lane", "Riley", "Andrews", "Alvarado", "Ray", "Delgado", "Berry",
    "Perkins", "Hoffman", "Johnston", "Matthews", "Pena", "Richards", "Contreras", "Willis",
    "Carpenter", "Lawrence", "Sandoval", "Okafor", "Nakamura", "Singh", "Haddad", "Abdi",
    "Kowalski", "O'Brien", "Yilmaz", "Osei", "Larsen",
]

# (slug, name, level, code, zip codes, latitude, longitude, share of high-school students)
SCHOOLS = [
    ("alder", "Alder High School", "high", "MV-101", ["20175", "20176"], 39.1157, -77.5636, 0.4),
    ("birch", "Birch Ridge High School", "high", "MV-102", ["20147", "20148"], 39.0438, -77.4875, 0.35),
    ("cedar", "Cedar Creek High School", "high", "MV-103", ["20132", "20141"], 39.172, -77.6612, 0.25),
    ("maple-valley-middle", "Maple Valley Middle School", "middle", "MV-201", ["20175", "20147"], 39.0871, -77.529, 0.0),
]

DISTRICT_OFFICE = ("101 Schoolhouse Way", "Maple Valley", "20175", 39.1012, -77.5451)

TOWNS = [
    ("Maple Valley", "20175"),
    ("Alder Springs", "20176"),
    ("Birchwood", "20147"),
    ("Cedar Falls", "20132"),
    ("Ashburn Crossing", "20148"),
    ("Hillsboro Gap", "20141"),
]

STREETS = [
    "Main St", "Market St", "Oak Ave", "Commerce Dr", "Industrial Pkwy", "Church St", "Elm St",
    "Riverside Dr", "Valley View Rd", "Harrison St", "Loudoun St", "Catoctin Cir", "Mill Rd",
    "Depot Rd", "Route 7 Business", "Orchard Ln", "Sycamore St", "Technology Blvd",
]

# Share of first-choice interests by cluster, after interest surveys of high schoolers:
# health, digital technology and education lead; the trades and logistics trail.
INTEREST_WEIGHTS = {
    "healthcare-human-services": 0.2,
    "digital-technology": 0.15,
    "education": 0.12,
    "arts-entertainment-design": 0.09,
    "management-entrepreneurship": 0.07,
    "public-service-safety": 0.06,
    "marketing-sales": 0.05,
    "construction": 0.05,
    "hospitality-events-tourism": 0.05,
    "financial-services": 0.04,
    "advanced-manufacturing": 0.04,
    "agriculture": 0.03,
    "energy-natural-resources": 0.025,
    "supply-chain-transportation": 0.025,
}

CTE_PROGRAMS = {
    "healthcare-human-services": "Health Sciences",
    "digital-technology": "Computer Science & IT",
    "education": "Teacher Cadet",
    "arts-entertainment-design": "Digital Media & Design",
    "management-entrepreneurship": "Business Management",
    "public-service-safety": "Criminal Justice",
    "marketing-sales": "Marketing",
    "construction": "Building Trades",
    "hospitality-events-tourism": "Culinary Arts",
    "financial-services": "Accounting & Finance",
    "advanced-manufacturing": "Engineering Technology",
    "agriculture": "Agricultural Science",
    "energy-natural-resources": "Environmental Science",
    "supply-chain-transportation": "Automotive Technology",
}

# Roles by cluster: (sub-cluster slug, title). Opportunities draw their titles from here.
ROLES = {
    "healthcare-human-services": [
        ("physical-health", "Patient services aide"), ("physical-health", "Physical therapy aide"),
        ("health-data-administration", "Medical records assistant"),
        ("health-data-administration", "Clinic front desk assistant"),
        ("behavioral-mental-health", "Peer wellness program assistant"),
        ("community-social-services", "Senior activities assistant"),
        ("personal-care-services", "Dental office assistant"),
        ("biotechnology-rd", "Lab assistant"),
    ],
    "digital-technology": [
        ("it-support-services", "Help desk technician"),
        ("it-support-services", "Device repair technician"),
        ("software-solutions", "Junior software developer"), ("web-cloud", "Web content assistant"),
        ("network-systems-cybersecurity", "Network support intern"),
        ("data-science-ai", "Data analysis intern"),
    ],
    "education": [
        ("teaching-training-facilitation", "Classroom teaching assistant"),
        ("early-childhood-development", "Preschool classroom aide"),
        ("learner-support-community-engagement", "Reading tutor"),
        ("education-administration-leadership", "School front office assistant"),
    ],
    "arts-entertainment-design": [
        ("performing-arts", "Stage crew member"),
        ("media-production-broadcasting", "Radio production assistant"),
        ("design-digital-arts", "Graphic design intern"), ("fine-arts", "Gallery assistant"),
        ("lighting-sound-tech", "Sound and lighting technician"),
    ],
    "management-entrepreneurship": [
        ("leadership-operations", "Operations assistant"),
        ("entrepreneurship-small-business", "Small business assistant"),
        ("project-management", "Project coordinator intern"),
        ("business-information-mgmt", "Records and data assistant"),
    ],
    "public-service-safety": [
        ("local-state-federal-services", "City hall intern"),
        ("emergency-response", "Fire and rescue cadet"), ("public-safety", "Police explorer"),
        ("judicial-systems", "Court clerk assistant"),
    ],
    "marketing-sales": [
        ("marketing-advertising", "Social media assistant"),
        ("retail-customer-experience", "Retail associate"),
        ("market-research-analytics-ethics", "Market research intern"),
        ("strategic-sales", "Sales support intern"),
    ],
    "construction": [
        ("skilled-trades", "Carpentry helper"),
        ("architecture-civil-engineering", "Drafting and CAD intern"),
        ("construction-planning-development", "Site planning assistant"),
        ("skilled-trades", "Electrical helper"),
    ],
    "hospitality-events-tourism": [
        ("culinary-food-services", "Kitchen prep assistant"),
        ("accommodations", "Front desk associate"),
        ("conferences-events", "Event planning assistant"),
        ("travel-leisure", "Visitor center guide"),
    ],
    "financial-services": [
        ("accounting", "Bookkeeping assistant"), ("banking-credit", "Teller trainee"),
        ("insurance", "Insurance office assistant"),
        ("real-estate", "Real estate office assistant"),
    ],
    "advanced-manufacturing": [
        ("production-automation", "Production assistant"),
        ("robotics", "Robotics technician intern"), ("engineering", "Engineering intern"),
        ("safety-quality-assurance", "Quality inspection assistant"),
    ],
    "agriculture": [
        ("plant-systems", "Farm crew member"), ("animal-systems", "Veterinary assistant"),
        ("water-systems", "Water quality lab assistant"), ("agribusiness", "Farm market assistant"),
    ],
    "energy-natural-resources": [
        ("clean-alternative-energy", "Solar installation helper"),
        ("conservation-land-mgmt", "Trails and parks crew"),
        ("environmental-protection", "Environmental monitoring intern"),
        ("utilities", "Utility office assistant"),
    ],
    "supply-chain-transportation": [
        ("planning-logistics", "Logistics coordinator intern"),
        ("maintenance-repair", "Automotive service helper"),
        ("air-space", "Airport operations assistant"),
        ("purchasing-warehousing", "Warehouse inventory assistant"),
    ],
}

# Outside partners: (name, kind, cluster slug, sub-cluster slug, has a virtual worksite).
PARTNERS = [
    ("Maple Valley Regional Hospital", "nonprofit", "healthcare-human-services", "physical-health", False),
    ("Quarry Software", "business", "digital-technology", "software-solutions", True),
    ("Little Acorns Early Learning Center", "business", "education", "early-childhood-development", False),
    ("Riverbend Family Clinic", "business", "healthcare-human-services", "physical-health", False),
    ("Ridgeline Networks", "business", "digital-technology", "network-systems-cybersecurity", True),
    ("Maple Valley Public Library", "government", "education", "learner-support-community-engagement", True),
    ("Lanternlight Community Theater", "nonprofit", "arts-entertainment-design", "performing-arts", False),
    ("City of Maple Valley", "government", "public-service-safety", "local-state-federal-services", False),
    ("Bright Smiles Dental Group", "business", "healthcare-human-services", "personal-care-services", False),
    ("Pixel & Pine Web Studio", "business", "digital-technology", "web-cloud", True),
    ("Maple Valley Chamber of Commerce", "nonprofit", "management-entrepreneurship", "entrepreneurship-small-business", True),
    ("Copper Kettle Marketing", "business", "marketing-sales", "marketing-advertising", True),
    ("Stonebridge Builders", "business", "construction", "skilled-trades", False),
    ("Harvest Table Bistro", "business", "hospitality-events-tourism", "culinary-food-services", False),
    ("First Valley Credit Union", "business", "financial-services", "banking-credit", False),
    ("Precision Parts Manufacturing", "business", "advanced-manufacturing", "production-automation", False),
    ("Harbor Behavioral Health Center", "nonprofit", "healthcare-human-services", "behavioral-mental-health", True),
    ("Valley Physical Therapy", "business", "healthcare-human-services", "physical-health", False),
    ("Summit Data Labs", "business", "digital-technology", "data-science-ai", True),
    ("Boys & Girls Club of Maple Valley", "nonprofit", "education", "learner-support-community-engagement", False),
    ("Valley Voice Radio", "business", "arts-entertainment-design", "media-production-broadcasting", False),
    ("Maple Valley Fire & Rescue", "government", "public-service-safety", "emergency-response", False),
    ("Blue Heron Veterinary Hospital", "business", "agriculture", "animal-systems", False),
    ("Oakwood Senior Living", "business", "healthcare-human-services", "community-social-services", False),
    ("Hartwell & Associates CPAs", "business", "financial-services", "accounting", True),
    ("Northfield Engineering Group", "business", "construction", "architecture-civil-engineering", True),
    ("The Willow Inn & Conference Center", "business", "hospitality-events-tourism", "accommodations", False),
    ("Valley Robotics Works", "business", "advanced-manufacturing", "robotics", False),
    ("Valley Outfitters", "business", "marketing-sales", "retail-customer-experience", False),
    ("Green Hollow Farm", "business", "agriculture", "plant-systems", False),
    ("Sunfield Solar", "business", "energy-natural-resources", "clean-alternative-energy", False),
    ("Crossroads Logistics", "business", "supply-chain-transportation", "planning-logistics", False),
    ("Maple Valley Police Department", "government", "public-service-safety", "public-safety", False),
    ("Fern & Fig Design Co.", "business", "arts-entertainment-design", "design-digital-arts", True),
    ("Keystone Insurance Agency", "business", "financial-services", "insurance", True),
    ("Maple Valley Parks & Recreation", "government", "energy-natural-resources", "conservation-land-mgmt", False),
    ("Habitat for Humanity Maple Valley", "nonprofit", "construction", "construction-planning-development", False),
    ("Cardinal Computer Repair", "business", "digital-technology", "it-support-services", False),
    ("Valley Auto Service Center", "business", "supply-chain-transportation", "maintenance-repair", False),
    ("County Circuit Court Clerk's Office", "government", "public-service-safety", "judicial-systems", False),
    ("Valley Water Authority", "government", "agriculture", "water-systems", False),
    ("Brookside Realty", "business", "financial-services", "real-estate", True),
    ("Maple Valley Visitors Bureau", "government", "hospitality-events-tourism", "travel-leisure", True),
    ("Ironwood Electric", "business", "construction", "skilled-trades", False),
    ("Blue Ridge Regional Airport", "government", "supply-chain-transportation", "air-space", False),
]

# Names for extra partners in large districts: "<town word> <industry>" per cluster.
PARTNER_NAME_PARTS = {
    "healthcare-human-services": [
        "Family Medicine", "Urgent Care", "Pediatrics", "Home Health", "Wellness Center",
    ],
    "digital-technology": [
        "Tech Solutions", "Cloud Services", "Cyber Defense", "Software Works", "Data Systems",
    ],
    "education": [
        "Learning Center", "Tutoring Co-op", "Montessori School", "Child Development Center",
    ],
    "arts-entertainment-design": ["Arts Collective", "Media Studio", "Photography", "Design Lab"],
    "management-entrepreneurship": [
        "Business Partners", "Consulting Group", "Small Business Center",
    ],
    "public-service-safety": ["Volunteer Fire Company", "Rescue Squad", "Town Office"],
    "marketing-sales": ["Marketing Group", "Market & Co.", "Advertising"],
    "construction": ["Construction", "Builders", "Plumbing & Heating", "Roofing"],
    "hospitality-events-tourism": ["Diner", "Catering", "Hotel", "Event Hall"],
    "financial-services": ["Savings Bank", "Tax Services", "Financial Advisors"],
    "advanced-manufacturing": ["Machine Works", "Fabrication", "Plastics"],
    "agriculture": ["Orchards", "Dairy", "Garden Center", "Feed & Supply"],
    "energy-natural-resources": ["Power Cooperative", "Environmental Services", "Nature Center"],
    "supply-chain-transportation": ["Freight", "Distribution Center", "Tire & Auto"],
}

NAME_WORDS = [
    "Alder", "Birchwood", "Cedar", "Dogwood", "Elmhurst", "Foxglove", "Glenview", "Hawthorn",
    "Ironbridge", "Juniper", "Kingsley", "Laurel", "Millbrook", "Northgate", "Oakridge",
    "Pinecrest", "Quail Run", "Redbud", "Stonewall", "Tall Oaks", "Upland", "Valleyside",
    "Westfield", "Yellow Creek", "Ashgrove", "Brightwater", "Clearview", "Deer Run", "Eastbrook",
    "Fairview", "Greenway", "Highland",
]

# District departments: (department value, name, cluster, sub-cluster, roles).
# A role is (title, cluster, sub-cluster, minimum age, hazardous orders or "").
DEPARTMENTS = [
    ("it", "District Information Technology", "digital-technology", "it-support-services", [
        ("Help desk technician", "digital-technology", "it-support-services", 14, ""),
        ("Chromebook repair technician", "digital-technology", "it-support-services", 14, ""),
        ("Network support assistant", "digital-technology", "network-systems-cybersecurity", 16, ""),
    ]),
    ("communications", "District Communications Office", "marketing-sales", "marketing-advertising", [
        ("Social media assistant", "marketing-sales", "marketing-advertising", 14, ""),
        ("District photographer", "arts-entertainment-design", "media-production-broadcasting", 14, ""),
        ("Website content assistant", "digital-technology", "web-cloud", 14, ""),
    ]),
    ("school_board", "Superintendent's Office & School Board", "public-service-safety", "local-state-federal-services", [
        ("School board student intern", "public-service-safety", "local-state-federal-services", 15, ""),
        ("Policy research assistant", "public-service-safety", "local-state-federal-services", 16, ""),
    ]),
    ("classrooms", "District Classrooms", "education", "teaching-training-facilitation", [
        ("Classroom teaching assistant", "education", "teaching-training-facilitation", 14, ""),
        ("Special education aide", "education", "learner-support-community-engagement", 15, ""),
        ("Elementary math tutor", "education", "learner-support-community-engagement", 14, ""),
    ]),
    ("arts", "District Fine & Performing Arts", "arts-entertainment-design", "performing-arts", [
        ("Theater director's assistant", "arts-entertainment-design", "performing-arts", 14, ""),
        ("Art room and pottery assistant", "arts-entertainment-design", "fine-arts", 14, ""),
        ("Stage crew", "arts-entertainment-design", "lighting-sound-tech", 15, ""),
    ]),
    ("food_service", "School Nutrition Services", "hospitality-events-tourism", "culinary-food-services", [
        ("Meal prep assistant", "hospitality-events-tourism", "culinary-food-services", 16, ""),
        ("Menu planning assistant", "hospitality-events-tourism", "culinary-food-services", 14, ""),
    ]),
    ("athletics", "District Athletics", "management-entrepreneurship", "leadership-operations", [
        ("Athletic training intern", "healthcare-human-services", "physical-health", 15, ""),
        ("Athletic director's assistant", "management-entrepreneurship", "leadership-operations", 14, ""),
        ("Ticketing and events assistant", "management-entrepreneurship", "leadership-operations", 14, ""),
    ]),
    ("human_resources", "Human Resources & Business Office", "management-entrepreneurship", "business-information-mgmt", [
        ("HR records assistant", "management-entrepreneurship", "business-information-mgmt", 16, ""),
        ("Payroll assistant", "financial-services", "accounting", 16, ""),
    ]),
    ("buildings_grounds", "Buildings and Grounds", "construction", "skilled-trades", [
        ("Grounds maintenance assistant", "energy-natural-resources", "conservation-land-mgmt", 16, "HO14"),
        ("Maintenance shop helper", "construction", "skilled-trades", 16, "HO5, HO14"),
    ]),
    ("health_services", "School Health Services", "healthcare-human-services", "physical-health", [
        ("School nurse assistant", "healthcare-human-services", "physical-health", 15, ""),
    ]),
    ("transportation", "Student Transportation", "supply-chain-transportation", "planning-logistics", [
        ("Routing and dispatch assistant", "supply-chain-transportation", "planning-logistics", 16, ""),
        ("Fleet office assistant", "supply-chain-transportation", "maintenance-repair", 16, ""),
    ]),
]

# Roles at outside partners that involve hazardous orders (17 CFR 570 HOs) for minors.
HAZARDOUS_TITLES = {
    "Carpentry helper": "HO5, HO14",
    "Electrical helper": "HO14",
    "Production assistant": "HO8",
    "Solar installation helper": "HO16",
}

MENTOR_TITLES = [
    "Supervisor", "Manager", "Team lead", "Director", "Coordinator", "Senior technician",
    "Program manager", "Office manager", "Charge nurse", "Operations manager",
]

DEPARTMENT_MENTOR_TITLES = [
    "Department supervisor", "Coordinator", "Specialist", "Director", "Teacher", "Manager",
]

RUBRIC = [
    ("attendance", "Attendance and punctuality", {
        "1": "Often absent or late without notice.",
        "2": "Sometimes late or absent; usually gives notice.",
        "3": "On time and present as scheduled; gives notice when absent.",
        "4": "Always on time, plans ahead, and covers missed work.",
    }),
    ("communication", "Communication", {
        "1": "Rarely asks questions or responds to instructions.",
        "2": "Communicates when prompted.",
        "3": "Communicates clearly with the mentor and coworkers.",
        "4": "Communicates professionally with colleagues and the public without prompting.",
    }),
    ("teamwork", "Teamwork", {
        "1": "Works alone; does not help others.",
        "2": "Cooperates when asked.",
        "3": "Contributes to the team and accepts feedback.",
        "4": "Helps the team succeed and acts on feedback at once.",
    }),
    ("initiative", "Initiative", {
        "1": "Waits to be told what to do.",
        "2": "Finishes assigned tasks, then waits.",
        "3": "Looks for the next task without being asked.",
        "4": "Spots needs and proposes improvements.",
    }),
    ("quality", "Quality of work", {
        "1": "Work needs to be redone most of the time.",
        "2": "Work is acceptable with frequent corrections.",
        "3": "Work is accurate and complete.",
        "4": "Work is accurate, complete and goes beyond what was asked.",
    }),
]

REFLECTIONS = {
    "for_me": [
        "I loved working with {partner}. I can see myself doing this after graduation.",
        "Every day as a {role} taught me something. This is the career I want to study.",
        "My mentor let me take on real work. I am applying to programs in this field.",
        "I liked the pace and the people. This confirmed what I want to do.",
    ],
    "unsure": [
        "Some parts of being a {role} were great, others not so much. I want to try another setting.",
        "I learned a lot at {partner}, but I am still deciding between this and other paths.",
        "It was interesting but I need more experience before I decide.",
    ],
    "not_for_me": [
        "I found out this career is not for me, and that is useful to know before college.",
        "Being a {role} was harder on my schedule than I expected. I will look at other fields.",
        "I respect the work at {partner}, but I want a job with more people contact.",
    ],
}

EVALUATION_COMMENTS = [
    "Reliable and eager to learn.", "Asks good questions and follows through.",
    "Needs reminders about arriving on time, but the work is solid.",
    "A pleasure to have on the team.", "Took initiative on a project of their own.",
    "Quiet at first; grew in confidence every week.", "Careful, accurate work.",
]

HOUR_DESCRIPTIONS = {
    "healthcare-human-services": [
        "Helped check in patients", "Restocked exam rooms", "Shadowed the care team",
        "Filed intake forms",
    ],
    "digital-technology": [
        "Closed help desk tickets", "Imaged and repaired laptops", "Fixed bugs in the team's app",
        "Documented network closets",
    ],
    "education": [
        "Helped small reading groups", "Prepared classroom materials", "Tutored students in math",
        "Supervised centers",
    ],
    "arts-entertainment-design": [
        "Built sets", "Edited a video segment", "Designed a flyer", "Ran sound for rehearsal",
    ],
    "management-entrepreneurship": [
        "Updated records", "Prepared a report", "Helped run an event", "Answered phones",
    ],
    "public-service-safety": [
        "Attended a council meeting", "Researched a policy question", "Assisted at the front desk",
        "Joined a safety drill",
    ],
    "marketing-sales": [
        "Drafted social media posts", "Helped customers", "Counted inventory",
        "Compiled survey results",
    ],
    "construction": [
        "Assisted the framing crew", "Cleaned and organized the site", "Drew plans in CAD",
        "Measured and cut materials",
    ],
    "hospitality-events-tourism": [
        "Prepped vegetables", "Set up an event room", "Greeted guests", "Helped plan a menu",
    ],
    "financial-services": [
        "Reconciled receipts", "Helped with member accounts", "Entered data", "Filed documents",
    ],
    "advanced-manufacturing": [
        "Inspected parts", "Assisted on the production line", "Programmed a robot arm",
        "Updated work orders",
    ],
    "agriculture": [
        "Fed and cared for animals", "Planted seedlings", "Tested water samples",
        "Worked the farm stand",
    ],
    "energy-natural-resources": [
        "Cleared trails", "Recorded sensor readings", "Helped a solar crew",
        "Sorted recycling data",
    ],
    "supply-chain-transportation": [
        "Planned delivery routes", "Checked in shipments", "Assisted the service bay",
        "Updated the fleet log",
    ],
}

RETURN_COMMENTS = [
    "Please add what you worked on.",
    "The end time does not match the sign-out sheet; please correct it.",
    "This day was a holiday for our office; please check the date.",
]

WITHDRAWALS = [
    # (initiator, reason, note, partner relationship note, partner in good standing)
    ("student", "schedule", "Student took on a second job and could not keep the schedule.",
     "Mentor understood; would host again.", True),
    ("student", "not_a_fit", "Student realised the field is not for them.",
     "Partner appreciated the early notice.", True),
    ("school", "attendance", "Missed four sessions without notice.",
     "Coordinator met the mentor; partner remains willing to host.", True),
    ("partner", "partner_capacity", "Mentor left the company and no replacement was available.",
     "Partner will host again next term once a new mentor is trained.", True),
    ("student", "transportation", "Lost access to a ride to the worksite.",
     "Partner offered a virtual role for next term.", True),
    ("school", "academic", "Student needs the time for credit recovery.",
     "Partner relationship unaffected.", True),
    ("partner", "conduct", "Safety rules were not followed after two warnings.",
     "Debriefed with the partner; placements there continue with closer check-ins.", False),
    ("student", "family", "Family health matter.",
     "Partner sent well wishes; seat offered to the waitlist.", True),
]

JOB_TITLES = {
    "healthcare-human-services": "Patient care technician",
    "digital-technology": "IT support specialist",
    "education": "Instructional assistant",
    "arts-entertainment-design": "Production assistant",
    "management-entrepreneurship": "Administrative assistant",
    "public-service-safety": "Office assistant",
    "marketing-sales": "Marketing coordinator",
    "construction": "Apprentice carpenter",
    "hospitality-events-tourism": "Line cook",
    "financial-services": "Bank teller",
    "advanced-manufacturing": "Machine operator",
    "agriculture": "Farm hand",
    "energy-natural-resources": "Field technician",
    "supply-chain-transportation": "Logistics clerk",
}
# fmt: on

# Concerns mentors raise about an intern under way: (concern, how the coordinator resolved it).
CONCERNS = [
    ("Missed two sessions this month without letting me know.",
     "Met the student: a new after-school job clashed. Sessions moved to Tuesdays; mentor agreed."),
    ("Is on the phone a lot during the shift and seems disengaged.",
     "Talked with the student and mentor together; agreed on a phone rule and clearer daily tasks."),
    ("Arrived late three times; the bus schedule may be the problem.",
     "Transportation arranged a later pick-up; start time moved by 15 minutes with the mentor."),
    ("Struggling with the pace of the work; I want to make sure they are getting support.",
     "Case manager joined a check-in; tasks now come as a written list each shift."),
    ("Forgot the safety glasses twice after a reminder.",
     "Reviewed the safety plan with the student; the mentor checks equipment at the start of each shift."),
]
